#!/bin/bash
# Kafka in docker compose as the platform runs it (devinfra.kafka runs the same on the host): the KAFKA_*
# variables become the broker's configuration (KAFKA_FOO_BAR is foo.bar; "__" is "_" and "___" is "-", as in
# the apache/kafka image), the storage is formatted once with the SCRAM users whose passwords the
# KAFKA_PASSWORD_<USER> variables hold, and the broker starts.
set -euo pipefail

config=/tmp/server.properties
: > "$config"
chmod 600 "$config"
while IFS='=' read -r name value; do
  case "$name" in
    KAFKA_PASSWORD_*|KAFKA_HOME|KAFKA_VERSION) continue ;;
    KAFKA_*)
      key=${name#KAFKA_}
      key=${key,,}
      key=${key//___/-}
      key=${key//__/@}
      key=${key//_/.}
      key=${key//@/_}
      printf '%s=%s\n' "$key" "$value" >> "$config"
      ;;
  esac
done < <(env)

users=()
while IFS='=' read -r name value; do
  case "$name" in
    KAFKA_PASSWORD_*)
      user=${name#KAFKA_PASSWORD_}
      user=${user,,}
      user=${user//_/-}
      users+=(--add-scram "SCRAM-SHA-512=[name=${user},password=${value}]")
      ;;
  esac
done < <(env)

# The healthcheck's connection, as the super user.
umask 077
cat > /tmp/admin.properties <<PROPERTIES
security.protocol=SASL_PLAINTEXT
sasl.mechanism=SCRAM-SHA-512
sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="admin" password="${KAFKA_PASSWORD_ADMIN}";
PROPERTIES

/opt/kafka/bin/kafka-storage.sh format --ignore-formatted -t "$CLUSTER_ID" -c "$config" "${users[@]}"
exec /opt/kafka/bin/kafka-server-start.sh "$config"
