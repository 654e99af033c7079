"""Issue 13: the rollups' documents now hold each unit's cadres (``Figures.cadres``, for the home page). Rows
built before hold none: they stop serving until the beat builds them again (within a minute), and pages count
live meanwhile — a home page would otherwise show no cadres."""
from django.db import migrations


def stop_serving(apps, schema_editor):
    apps.get_model("dashboards", "RollupState").objects.update(as_of=None)


class Migration(migrations.Migration):
    dependencies = [("dashboards", "0001_initial")]

    operations = [migrations.RunPython(stop_serving, migrations.RunPython.noop)]
