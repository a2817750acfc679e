"""Import files were saved to public media (served to anyone by URL). Move the files of
imports still waiting to the private storage, delete the rest, and delete any stray
file left in the public reach-imports folder."""

from django.core.files.storage import storages
from django.db import migrations

PUBLIC_FOLDER = "reach-imports"
WAITING = {"checking", "checked", "queued", "running"}


def _walk(storage, folder):
    try:
        folders, files = storage.listdir(folder)
    except (FileNotFoundError, NotADirectoryError):
        return
    for name in files:
        yield f"{folder}/{name}"
    for sub in folders:
        yield from _walk(storage, f"{folder}/{sub}")


def move_out_of_public_media(apps, schema_editor):
    ImportJob = apps.get_model("reach", "ImportJob")
    public, private = storages["default"], storages["private"]
    for job in ImportJob.objects.exclude(file=""):
        name = job.file.name
        if not public.exists(name):
            continue
        if job.status in WAITING:
            with public.open(name, "rb") as handle:
                job.file.name = private.save(name, handle)
        else:
            job.file.name = ""
        job.save(update_fields=["file"])
        public.delete(name)
    for name in list(_walk(public, PUBLIC_FOLDER)):
        public.delete(name)


class Migration(migrations.Migration):
    dependencies = [("reach", "0004_write_path_pending_private_imports")]

    operations = [migrations.RunPython(move_out_of_public_media, migrations.RunPython.noop)]
