"""issue 13: each cadre keeps its unit's path, so the cadre list is scoped, sorted and paged on one index."""
from django.db import migrations, models
from django.db.models import OuterRef, Subquery

import units.models


def copy_paths(apps, schema_editor):
    Cadre, Unit = apps.get_model("units", "Cadre"), apps.get_model("units", "Unit")
    Cadre.objects.update(unit_path=Subquery(Unit.objects.filter(pk=OuterRef("unit_id")).values("path")[:1]))


class Migration(migrations.Migration):

    dependencies = [
        ('units', '0003_accounts'),
    ]

    operations = [
        migrations.AlterModelOptions(
            name='cadre',
            options={'ordering': ['unit_path', '-is_top_leader', '-is_team_member', 'name', 'id'], 'verbose_name': 'cadre', 'verbose_name_plural': 'cadres'},
        ),
        migrations.AddField(
            model_name='cadre',
            name='unit_path',
            field=units.models.PathCopyField(default='', editable=False, max_length=255),
        ),
        migrations.RunPython(copy_paths, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name='cadre',
            index=models.Index(fields=['unit_path', '-is_top_leader', '-is_team_member', 'name', 'id'], include=['post'], name='units_cadre_list_order'),
        ),
    ]
