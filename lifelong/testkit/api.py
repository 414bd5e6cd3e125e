"""Calling /api/v1/ in tests as a signed-in person (a bearer token) or as nobody."""

import json

from django.test import Client

from lifelong.accounts.models import User
from lifelong.accounts.services import api_token_create


class ApiClient:
    """A JSON client for /api/v1/ with an optional bearer token."""

    def __init__(self, user: User | None = None, *, two_factor_verified: bool = True):
        self.client = Client()
        self.headers = {}
        if user is not None:
            token, _ = api_token_create(user=user, two_factor_verified=two_factor_verified)
            self.headers["Authorization"] = f"Bearer {token}"

    def get(self, path: str, **params):
        return self.client.get(f"/api/v1{path}", params, headers=self.headers)

    def post(self, path: str, body=None, raw: str | None = None):
        data = raw if raw is not None else json.dumps(body if body is not None else {})
        return self.client.post(f"/api/v1{path}", data, content_type="application/json", headers=self.headers)

    def patch(self, path: str, body=None):
        data = json.dumps(body if body is not None else {})
        return self.client.patch(f"/api/v1{path}", data, content_type="application/json", headers=self.headers)

    def delete(self, path: str):
        return self.client.delete(f"/api/v1{path}", headers=self.headers)
