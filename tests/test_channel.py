"""The pipes between the parent and its forked workers."""

from __future__ import annotations

import os

import pytest

from corslint.runner.channel import channel_pair, ready

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="channels link forked processes")


def test_a_message_larger_than_the_pipe_arrives_whole_from_another_process() -> None:
    here, there = channel_pair()
    payload = ("done", 7, ["x" * 1000] * 3000)  # about 3 MB: many times a pipe's buffer
    pid = os.fork()
    if pid == 0:
        code = 1
        try:
            here.close()
            there.send(payload)
            code = 0 if there.recv() == "thanks" else 2
        finally:
            os._exit(code)
    there.close()
    assert ready([here], timeout=30) == [here]
    assert here.recv() == payload
    here.send("thanks")
    assert os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]) == 0
    here.close()


def test_ready_waits_for_a_message_and_an_end_reads_as_eof() -> None:
    here, there = channel_pair()
    assert ready([here], timeout=0) == []
    there.send(None)
    assert ready([here], timeout=0) == [here]
    assert here.recv() is None
    there.close()  # the other process ended: what is waiting now is the end
    assert ready([here], timeout=0) == [here]
    with pytest.raises(EOFError):
        here.recv()
    here.close()
