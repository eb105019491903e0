"""Runs the official lark-oapi long-connection client against DOMAIN, answering card.action.trigger.

Usage: python ws_official_callback.py DOMAIN RESPONSE_JSON

The card handler answers with RESPONSE_JSON, its toast's content set to
"<operator.open_id> pressed <action.tag>" of the callback (what ws_callback_exchange expects).
"""
import json
import sys

import lark_oapi as lark
from lark_oapi.event.callback.model.p2_card_action_trigger import P2CardActionTriggerResponse


def main() -> None:
    domain, response_path = sys.argv[1], sys.argv[2]
    with open(response_path, encoding="utf-8") as f:
        response = json.load(f)

    def on_card_action(data):
        event = data.event
        answer = json.loads(json.dumps(response))
        answer.setdefault("toast", {})["content"] = (
            f"{event.operator.open_id} pressed {event.action.tag}"
        )
        print(f"received callback {data.header.event_type} {data.header.event_id}", flush=True)
        return P2CardActionTriggerResponse(answer)

    handler = (
        lark.EventDispatcherHandler.builder("", "")
        .register_p2_card_action_trigger(on_card_action)
        .build()
    )
    client = lark.ws.Client(
        "cli_conformance",
        "conformance-secret",
        event_handler=handler,
        domain=domain,
        log_level=lark.LogLevel.DEBUG,
    )
    client.start()


if __name__ == "__main__":
    main()
