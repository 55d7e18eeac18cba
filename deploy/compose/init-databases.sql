-- One database per service, each owned by a role of the same name (docker-compose.yml mounts this
-- into /docker-entrypoint-initdb.d, so it runs once, on the first start of an empty volume).
--
-- A service owns its data: its role owns its database (and so its public schema, where its
-- migrations create tables) and cannot connect to another service's database. The roles have no
-- password because the compose PostgreSQL trusts every connection (dev only).

CREATE ROLE profiles LOGIN;
CREATE ROLE matching LOGIN;
CREATE ROLE events LOGIN;
CREATE ROLE notifications LOGIN;
CREATE ROLE web LOGIN;

CREATE DATABASE profiles OWNER profiles;
CREATE DATABASE matching OWNER matching;
CREATE DATABASE events OWNER events;
CREATE DATABASE notifications OWNER notifications;
CREATE DATABASE web OWNER web;

REVOKE CONNECT, TEMPORARY ON DATABASE profiles FROM PUBLIC;
REVOKE CONNECT, TEMPORARY ON DATABASE matching FROM PUBLIC;
REVOKE CONNECT, TEMPORARY ON DATABASE events FROM PUBLIC;
REVOKE CONNECT, TEMPORARY ON DATABASE notifications FROM PUBLIC;
REVOKE CONNECT, TEMPORARY ON DATABASE web FROM PUBLIC;
