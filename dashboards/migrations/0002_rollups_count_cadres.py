"""Issue 13: the rollups' documents now hold each unit's cadres (``Figures.cadres``, for the home page). The rows'
state records what they hold (``RollupState.version``); rows built before (version 0) serve no page until the beat
builds them again (within a minute), and pages count live meanwhile — a home page would otherwise show no cadres.
The column's default stays in the database, so the old code, still running while the release is rolled out,
builds rows that are version 0 too."""
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("dashboards", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="rollupstate",
            name="version",
            field=models.PositiveSmallIntegerField(db_default=0, verbose_name="figures' version"),
        ),
    ]
