"""Commands queued before a frame: consecutive settings changes become one."""

from __future__ import annotations

from server.inbox import merge_settings
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
