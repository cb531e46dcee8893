from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("evidence", "0001_evidence")]

    operations = [
        migrations.AddField(
            model_name="storedobject",
            name="fixity_failed_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="校验失败时间"),
        ),
        migrations.AddField(model_name="upload", name="sha256", field=models.CharField(blank=True, max_length=64)),
        migrations.AddField(model_name="upload", name="sm3", field=models.CharField(blank=True, max_length=64)),
        migrations.AddField(
            model_name="upload", name="completing_since", field=models.DateTimeField(blank=True, null=True)
        ),
        migrations.AddField(
            model_name="upload", name="completing_by", field=models.CharField(blank=True, max_length=120)
        ),
    ]
