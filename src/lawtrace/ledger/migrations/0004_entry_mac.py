"""Entry MAC v1, and a signed checkpoint of every existing log at its current size.

Entries written before this migration have no authentication code; ``verify`` accepts that only for entries inside a
checkpoint signed by a trusted key. So that an upgraded database verifies, every existing log is checkpointed here,
at its current size, with its own key (consistency with its last checkpoint is checked by ``verify`` as always).

``AddField`` of a nullable column without a default is a plain ``ALTER TABLE ADD COLUMN`` on SQLite too, so the
append-only triggers of migration 0002 stay in place.
"""

from django.db import migrations, models


def checkpoint_existing_logs(apps, schema_editor):
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage
    from django.utils import timezone

    from lawtrace.ledger import keys, merkle, note

    Log = apps.get_model("ledger", "Log")
    Entry = apps.get_model("ledger", "Entry")
    Checkpoint = apps.get_model("ledger", "Checkpoint")
    for log in Log.objects.filter(size__gt=0):
        if Checkpoint.objects.filter(log=log, size=log.size).exists():
            continue
        leaves = [bytes(h) for h in Entry.objects.filter(log=log).order_by("seq").values_list("leaf_hash", flat=True)]
        if len(leaves) != log.size:
            continue  # a damaged log is left for ``verify`` to report, not signed
        root = merkle.root_from_leaf_hashes(leaves)
        signers = keys.signers_for(log.origin)
        signed = note.sign_note(
            note.Checkpoint(log.origin, log.size, root).to_text(), [signers.signer, signers.time_signer]
        )
        Checkpoint.objects.create(
            log=log,
            size=log.size,
            root_hash=root,
            time=timezone.now(),
            key_id=f"{signers.signer.key_id:08x}",
            note=signed,
        )
        path = f"checkpoints/{log.origin}/{log.size}"
        if not default_storage.exists(path):
            default_storage.save(path, ContentFile(signed.encode()))


class Migration(migrations.Migration):
    dependencies = [("ledger", "0003_entry_action_without_choices")]
    operations = [
        migrations.AddField(
            model_name="entry",
            name="mac",
            field=models.BinaryField(blank=True, max_length=36, null=True, verbose_name="认证码"),
        ),
        migrations.RunPython(checkpoint_existing_logs, migrations.RunPython.noop),
    ]
