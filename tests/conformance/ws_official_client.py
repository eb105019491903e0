"""Runs the official lark-oapi long-connection client against DOMAIN and reports each event it handles.

Usage: python ws_official_client.py DOMAIN
"""
import sys

import lark_oapi as lark


def on_publish_apply(data) -> None:
    header = data.header
    version = data.event.online_version
    print(
        f"received event {header.event_type} {header.event_id} version_id={version.version_id}",
        flush=True,
    )


def main() -> None:
    domain = sys.argv[1]
    handler = (
        lark.EventDispatcherHandler.builder("", "")
        .register_p2_application_application_app_version_publish_apply_v6(on_publish_apply)
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
