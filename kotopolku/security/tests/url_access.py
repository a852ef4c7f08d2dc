from kotopolku.access.matrix import STAFF_ROLES, public_page, staff_page

URL_ACCESS = {
    "security:reauth": staff_page(STAFF_ROLES),
    "security:otp-setup": staff_page({"admin"}),
    # An administrator without a device is sent to set one up first.
    "security:lockouts": staff_page({"admin"}),
    "security:otp-verify": staff_page({"admin"}, ok=302),
    # Single sign-on is off unless the OIDC_* settings are given.
    "security:oidc-authenticate": public_page(404),
    "security:oidc-callback": public_page(404),
}
