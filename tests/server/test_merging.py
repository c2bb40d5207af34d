"""Commands queued before a frame: consecutive settings changes become one."""

from __future__ import annotations

from server.inbox import Inbox, merge_settings
from server.protocol import parse_command


def commands(*texts):
    return [parse_command(text) for text in texts]


def test_consecutive_sets_become_one_with_later_values_winning():
    merged = merge_settings(
        commands(
            '{"type": "set", "settings": {"noise": 5}}',
            '{"type": "set", "settings": {"noise": 10, "batchSize": 3}}',
            '{"type": "set", "settings": {"noise": 15}}',
            '{"type": "step"}',
            '{"type": "set", "settings": {"noise": 20}}',
        )
    )
    assert [c.type for c in merged] == ["set", "step", "set"]
    assert merged[0].settings == {"noise": 15, "batchSize": 3}
    assert merged[2].settings == {"noise": 20}


def test_a_turn_takes_what_arrived_after_it_was_asked_for_but_never_a_hello():
    """The engine thread running a tab's turn takes the commands that arrived
    while the turn waited; a waiting `hello` keeps them all for the event
    loop, in their order."""
    inbox = Inbox()
    for command in commands('{"type": "set", "settings": {"noise": 5}}', '{"type": "play"}'):
        inbox.push(command)
    assert [c.type for c in inbox.take_all(unless_hello=True)] == ["set", "play"]
    assert not inbox

    for command in commands('{"type": "pause"}', '{"type": "hello", "hash": ""}', '{"type": "play"}'):
        inbox.push(command)
    assert inbox.take_all(unless_hello=True) == []
    assert [c.type for c in inbox.take_all()] == ["pause", "hello", "play"]
