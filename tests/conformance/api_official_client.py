"""Makes the calls of tests/tests/api_conformance.rs with the official Python SDK (lark-oapi).

Usage: python api_official_client.py BASE_URL IMAGE_PATH

BASE_URL is the test's recording server (http://127.0.0.1:PORT), IMAGE_PATH the file to upload.
The calls, in this order, are the ones the Rust test makes with our client (same values, so that
the server sees the same requests): the tenant token of a custom app (fetched by the SDK before its
first call), a message sent, a user read with the tenant token, a user read with a user token,
every page of the chat list (the next page_token by hand: lark-oapi has no iterator), an image
uploaded, an app version rejected. Prints one JSON line with what the answers decoded into; exits
non-zero on any failed call.
"""
import json
import sys

import lark_oapi as lark
from lark_oapi.api.application.v6 import (
    ApplicationAppVersion,
    PatchApplicationAppVersionRequest,
)
from lark_oapi.api.contact.v3 import GetUserRequest
from lark_oapi.api.im.v1 import (
    CreateImageRequest,
    CreateImageRequestBody,
    CreateMessageRequest,
    CreateMessageRequestBody,
    ListChatRequest,
)

APP_ID = "cli_conformance"
APP_SECRET = "conformance-secret"
USER_TOKEN = "u-conformance-user"


def checked(what, response):
    if not response.success():
        raise SystemExit(f"{what}: code {response.code}, msg {response.msg}")
    # An API whose response has no body fields (app_version.patch) has no `data` attribute at all.
    return getattr(response, "data", None)


def main() -> None:
    base_url, image_path = sys.argv[1], sys.argv[2]
    client = (
        lark.Client.builder()
        .app_id(APP_ID)
        .app_secret(APP_SECRET)
        .domain(base_url)
        .timeout(10)
        .log_level(lark.LogLevel.WARNING)
        .build()
    )
    # lark-oapi sends a RequestOption's user_access_token only when the client allows tokens set by
    # hand (its documentation: enable_set_token(True), then RequestOption.user_access_token). The
    # default client ignores it on an API that also takes a tenant token and sends the tenant's.
    user_client = (
        lark.Client.builder()
        .app_id(APP_ID)
        .app_secret(APP_SECRET)
        .domain(base_url)
        .timeout(10)
        .enable_set_token(True)
        .log_level(lark.LogLevel.WARNING)
        .build()
    )
    out = {}

    message = checked(
        "im.v1.message.create",
        client.im.v1.message.create(
            CreateMessageRequest.builder()
            .receive_id_type("open_id")
            .request_body(
                CreateMessageRequestBody.builder()
                .receive_id("ou_7d8a6e6df7621556ce0d21922b676706ccs")
                .msg_type("text")
                .content('{"text":"test content"}')
                .uuid("a0d69e20-1dd1-458b-k525-dfeca4015204")
                .build()
            )
            .build()
        ),
    )
    out["message_id"] = message.message_id

    user = checked(
        "contact.v3.user.get",
        client.contact.v3.user.get(
            GetUserRequest.builder()
            .user_id("ou_7dab8a3d3cdcc9da365777c7ad535d62")
            .user_id_type("open_id")
            .department_id_type("open_department_id")
            .build()
        ),
    )
    out["user_name"] = user.user.name

    option = lark.RequestOption.builder().user_access_token(USER_TOKEN).build()
    user = checked(
        "contact.v3.user.get (user token)",
        user_client.contact.v3.user.get(
            GetUserRequest.builder()
            .user_id("ou_7dab8a3d3cdcc9da365777c7ad535d62")
            .user_id_type("open_id")
            .build(),
            option,
        ),
    )
    out["user_name_by_user_token"] = user.user.name

    chats, page_token = [], None
    while True:
        builder = ListChatRequest.builder().user_id_type("open_id").page_size(2)
        if page_token:
            builder = builder.page_token(page_token)
        page = checked("im.v1.chat.list", client.im.v1.chat.list(builder.build()))
        chats.extend(chat.chat_id for chat in page.items or [])
        if not page.has_more or not page.page_token:
            break
        page_token = page.page_token
    out["chat_ids"] = chats

    # The way the SDK's documentation and the page's Python example upload: the open file itself.
    with open(image_path, "rb") as image:
        uploaded = checked(
            "im.v1.image.create",
            client.im.v1.image.create(
                CreateImageRequest.builder()
                .request_body(
                    CreateImageRequestBody.builder()
                    .image_type("message")
                    .image(image)
                    .build()
                )
                .build()
            ),
        )
    out["image_key"] = uploaded.image_key

    checked(
        "application.v6.application_app_version.patch",
        client.application.v6.application_app_version.patch(
            PatchApplicationAppVersionRequest.builder()
            .app_id("cli_9f3ca975326b501b")
            .version_id("oav_d317f090b7258ad0372aa53963cda70d")
            .user_id_type("open_id")
            .operator_id("ou_4065981088f8ef67a504ba8bd6b24d85")
            .reject_reason("拒绝理由: icon & name?")
            .request_body(ApplicationAppVersion.builder().status(2).build())
            .build()
        ),
    )
    out["patched"] = True

    print(json.dumps(out, ensure_ascii=False), flush=True)


if __name__ == "__main__":
    main()
