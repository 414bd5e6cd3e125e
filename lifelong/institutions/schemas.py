"""The API's references to an institution and a venue, shared by every app whose answers name
one (an app never imports another app's API module; see docs/architecture.md)."""

from ninja import Schema


class InstitutionRef(Schema):
    id: int
    name: str
    name_en: str
    kind: str


class VenueRef(Schema):
    id: int
    name: str
    name_en: str
