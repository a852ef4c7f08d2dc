from kotopolku.access.matrix import STAFF_ROLES, Expect, public_page, staff_page

URL_ACCESS = {
    "notifications:inbox": staff_page(STAFF_ROLES),
    "notifications:preferences": staff_page(STAFF_ROLES),
    # POST only.
    "notifications:read": staff_page(STAFF_ROLES, ok=405, kwargs=lambda: {"pk": 1}),
    "notifications:read_all": staff_page(STAFF_ROLES, ok=405),
    # A forged or broken unsubscribe link is refused, without logging in.
    "notifications:unsubscribe": Expect(
        public_page(400).status, kwargs=lambda: {"token": "not-a-signed-token"}
    ),
}
