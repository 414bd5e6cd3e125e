"""The demo library loads through the services into the file system storage `make run` uses,
and its files are served from there."""

from pathlib import Path

from django.test import Client, override_settings

from lifelong.resources.demo import RESOURCES, demo_resources_load
from lifelong.resources.models import Resource


def test_the_demo_resources_load_into_the_file_system_and_are_served(demo, tmp_path):
    storages = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    with override_settings(STORAGES=storages, MEDIA_ROOT=tmp_path):
        assert demo_resources_load() == len(RESOURCES)
        resources = list(Resource.objects.order_by("id"))
        assert all(r.is_published and r.title and r.title_en for r in resources)
        documents = [r for r in resources if r.kind == "document"]
        assert len(documents) == 3 and {r.kind for r in resources} == {"document", "link"}
        for document in documents:
            on_disk = Path(tmp_path) / document.file.name
            assert on_disk.read_bytes().startswith(b"%PDF-") and document.content_type == "application/pdf"
        public = next(r for r in documents if r.visibility == "public")
        response = Client().get(f"/resources/{public.pk}/file")
        assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
        assert b"".join(response.streaming_content) == (Path(tmp_path) / public.file.name).read_bytes()
        library = Client().get("/resources/")
        shown = {r.pk for r in library.context["page"]}
        assert shown == {r.pk for r in resources if r.visibility == "public"}
        english = Client(headers={"accept-language": "en"}).get("/resources/").content.decode()
        assert "Staying safe from phone scams" in english
