"""Personal data shown masked: the form lists, exports and logs use (DESIGN §8)."""


def mask_phone(phone: str | None) -> str:
    """`13900000005` → `139****0005`, the form lists, exports and logs use."""
    if not phone:
        return ""
    return f"{phone[:3]}****{phone[-4:]}" if len(phone) >= 7 else "****"
