"""Issue 13: the board's captcha sums travel sealed in their tokens; only spent tokens are stored. The table
of django-simple-captcha, which the portal no longer uses, goes (a database migrated before keeps it
otherwise; nothing in it outlives its 30 minutes)."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('feedback', '0004_encrypt_citizen_phone'),
    ]

    operations = [
        migrations.CreateModel(
            name='SpentCaptcha',
            fields=[
                ('token_hash', models.CharField(max_length=64, primary_key=True, serialize=False)),
                ('expires_at', models.DateTimeField(db_index=True)),
            ],
            options={
                'verbose_name': 'spent captcha',
                'verbose_name_plural': 'spent captchas',
            },
        ),
        migrations.RunSQL("DROP TABLE IF EXISTS captcha_captchastore", reverse_sql=migrations.RunSQL.noop),
    ]
