"""A message as SMTP's DATA carries it (`adapters/smtp.py`)."""

from notifications.adapters.smtp import _data


def test_a_line_starting_with_a_dot_has_it_doubled_and_the_message_ends_with_a_lone_dot():
    assert _data(b"Subject: x\r\n\r\n.hidden\r\nend\r\n") == b"Subject: x\r\n\r\n..hidden\r\nend\r\n.\r\n"
    assert _data(b".first\r\n") == b"..first\r\n.\r\n"


def test_bare_carriage_returns_and_line_feeds_become_crlf_and_a_last_line_is_ended():
    assert _data(b"a\nb\rc\n\rd") == b"a\r\nb\r\nc\r\n\r\nd\r\n.\r\n"
    assert _data(b"a\r\n\n.b") == b"a\r\n\r\n..b\r\n.\r\n"
