"""The API's reference to a region, shared by every app whose answers name one (an app never
imports another app's API module; see docs/architecture.md)."""

from ninja import Schema


class RegionRef(Schema):
    code: str
    name: str
    name_en: str
    level: str
