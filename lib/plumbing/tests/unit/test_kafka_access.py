"""The broker's ACLs come from the topic catalogue: each service writes its own topics, reads the public ones and
the restricted or internal ones that name it; another team reads public topics only."""

import pytest
from mentorship_contracts import CATALOGUE, Classification, dead_letter_topic
from mentorship_contracts.topics import DAY_MS
from plumbing import kafka_access
from plumbing.kafka_access import OTHER_TEAM, Grant, acls, catalogue_topics, platform_services, subscriber_teams


def allowed(principal: str, operation: str, topic: str) -> bool:
    """Whether some grant lets `principal` do `operation` on the topic named `topic`."""
    return any(
        grant.principal == principal and grant.resource == "topic" and grant.operation == operation
        and (topic == grant.name if grant.pattern == "literal" else topic.startswith(grant.name))
        for grant in acls()
    )


def test_the_services_are_those_the_catalogue_names():
    assert platform_services() == ["events", "matching", "notifications", "profiles", "web"]


def test_each_service_writes_its_own_topics_and_no_other():
    for service in platform_services():
        for topic in CATALOGUE:
            assert allowed(service, "write", topic.name) == (topic.owner == service), (service, topic.name)


def test_a_restricted_or_internal_topic_is_read_by_the_consumers_it_names_only():
    for topic in CATALOGUE:
        for service in platform_services():
            expected = topic.classification == Classification.PUBLIC or service in topic.consumers
            assert allowed(service, "read", topic.name) == expected, (service, topic.name)


def test_another_team_reads_public_topics_only_and_writes_none():
    for topic in CATALOGUE:
        assert allowed(OTHER_TEAM, "read", topic.name) == (topic.classification == Classification.PUBLIC)
        assert not allowed(OTHER_TEAM, "write", topic.name)


def test_a_service_writes_its_own_dead_letters_and_those_of_its_other_consumer_groups_only():
    assert allowed("matching", "write", "matching.dead-letters")
    assert allowed("matching", "write", "matching_it_1234.dead-letters")
    assert not allowed("matching", "write", "notifications.dead-letters")
    assert not allowed("matching", "write", "notifications_it_1234.dead-letters")


def test_consumer_groups_are_a_principals_own_by_prefix():
    groups = {(g.principal, g.name, g.pattern) for g in acls() if g.resource == "group"}
    assert groups == {*((p, p, "prefixed") for p in platform_services()), (OTHER_TEAM, f"{OTHER_TEAM}-", "prefixed")}


def test_no_grant_reaches_the_cluster_or_any_topic_by_wildcard():
    assert all(grant.resource != "cluster" and grant.name not in ("*", "") for grant in acls())
    assert all(isinstance(grant, Grant) for grant in acls())


def test_unless_told_otherwise_topics_take_the_brokers_default_replication_and_min_insync_replicas():
    for topic in catalogue_topics():
        assert topic.replication_factor == -1 and "min.insync.replicas" not in topic.topic_configs, topic.name


def test_with_three_replicas_or_more_a_write_is_acknowledged_once_a_majority_of_them_hold_it():
    assert {t.replication_factor for t in catalogue_topics(replication_factor=3)} == {3}
    assert {t.topic_configs["min.insync.replicas"] for t in catalogue_topics(replication_factor=3)} == {"2"}
    assert {t.topic_configs["min.insync.replicas"] for t in catalogue_topics(replication_factor=5)} == {"3"}
    # With two, requiring both would stop every write while one broker is away.
    assert all("min.insync.replicas" not in t.topic_configs for t in catalogue_topics(replication_factor=2))


def test_every_topic_is_created_with_the_catalogues_partitions_and_retention():
    by_name = {topic.name: topic for topic in catalogue_topics()}
    for topic in CATALOGUE:
        assert by_name[topic.name].num_partitions == topic.partitions
        assert by_name[topic.name].topic_configs == topic.config


def test_a_dead_letter_topic_keeps_its_messages_two_weeks_on_one_partition():
    by_name = {topic.name: topic for topic in catalogue_topics()}
    for service in platform_services():
        dead_letters = by_name[dead_letter_topic(service)]
        assert dead_letters.num_partitions == 1
        assert dead_letters.topic_configs == {"cleanup.policy": "delete", "retention.ms": str(14 * DAY_MS)}


def test_each_subscribing_team_reads_the_public_topics_as_its_own_principal_in_groups_of_its_own():
    # One login per organisation: one can be cut off without the others, and none joins another's groups.
    teams = subscriber_teams("crm, research")
    grants = acls(other_teams=teams)
    for team in teams:
        readable = {g.name for g in grants if g.principal == team and g.resource == "topic" and g.operation == "read"}
        assert readable == {t.name for t in CATALOGUE if t.classification == Classification.PUBLIC}
    assert {(g.principal, g.name) for g in grants if g.resource == "group" and g.principal in teams} == {
        ("crm", "crm-"), ("research", "research-")}


@pytest.mark.parametrize("named", ["matching", "crm, crm-eu", "crm, crm", "", "Bad Name", "admin",
                                   "webinar", "events-crm"])  # the groups of `web` and `events` begin so
def test_a_team_named_as_a_service_or_whose_groups_another_name_would_reach_is_refused(named):
    with pytest.raises(ValueError, match="KAFKA_SUBSCRIBER_TEAMS"):
        subscriber_teams(named)


def test_the_acls_table_lists_the_teams_the_operator_configured(monkeypatch, capsys):
    monkeypatch.setenv("KAFKA_SUBSCRIBER_TEAMS", "crm,research")
    assert kafka_access.main(["acls"]) == 0
    principals = {line.split()[0] for line in capsys.readouterr().out.splitlines()}
    assert {"User:crm", "User:research"} <= principals and f"User:{OTHER_TEAM}" not in principals


def test_revoking_a_platform_service_is_refused_in_one_line(capsys):
    with pytest.raises(SystemExit) as stopped:
        kafka_access.main(["revoke", "matching"])
    assert stopped.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "matching" in err


def test_revoking_a_team_still_configured_is_refused_as_the_next_provisioning_would_grant_it_again(monkeypatch, capsys):
    monkeypatch.setenv("KAFKA_SUBSCRIBER_TEAMS", "crm,research")
    with pytest.raises(SystemExit) as stopped:
        kafka_access.main(["revoke", "crm"])
    assert stopped.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "KAFKA_SUBSCRIBER_TEAMS" in err


def test_revoking_a_name_that_holds_nothing_says_so_and_fails(monkeypatch, capsys):
    # A typo must not read as a team cut off.
    async def revoke(options, principal):
        return 0

    monkeypatch.setattr(kafka_access, "revoke", revoke)
    monkeypatch.setenv("KAFKA_SUBSCRIBER_TEAMS", "research")
    monkeypatch.setenv("MENTORSHIP_ENV", "development")
    monkeypatch.setenv("KAFKA_SECURITY_PROTOCOL", "PLAINTEXT")
    assert kafka_access.main(["revoke", "crn"]) == 1
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err.count("\n") == 1 and "'crn'" in captured.err
