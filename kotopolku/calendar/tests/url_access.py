from kotopolku.access.matrix import STAFF_ROLES, Expect, public_page, staff_page

URL_ACCESS = {
    "calendar:settings": staff_page(STAFF_ROLES),
    # GET asks for confirmation; the POST makes the new address.
    "calendar:regenerate": staff_page(STAFF_ROLES),
    # For calendar apps, without logging in: an unknown token is a 404 for everybody.
    "calendar:feed": Expect(
        public_page(404).status, kwargs=lambda: {"token": "not-a-real-calendar-token"}
    ),
}
