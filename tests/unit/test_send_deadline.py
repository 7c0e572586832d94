"""A write to a client that stopped reading is given up after the deadline."""

import asyncio

import pytest

from cloudfactory.web.asgi import ClientTooSlow, send_within


def test_a_body_write_that_waits_past_the_deadline_is_given_up():
    sent = []

    async def stalled_client(message):
        sent.append(message["type"])
        if message["type"] == "http.response.body":
            await asyncio.Event().wait()  # the client never drains its buffer

    async def respond():
        send = send_within(0.05, stalled_client)
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"x", "more_body": True})

    with pytest.raises(ClientTooSlow):
        asyncio.run(respond())
    assert sent == ["http.response.start", "http.response.body"]


def test_writes_that_go_through_are_untouched():
    sent = []

    async def reading_client(message):
        sent.append(message)

    async def respond():
        send = send_within(0.05, reading_client)
        await send({"type": "http.response.body", "body": b"x"})

    asyncio.run(respond())
    assert sent == [{"type": "http.response.body", "body": b"x"}]
