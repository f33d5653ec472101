"""Template filters that show codes as words: `{{ f.code|finding_label }}`, `{{ b.key|bucket_label }}`."""

from django import template

from hienmau.core import labels

register = template.Library()

register.filter("finding_label", labels.finding_label)
register.filter("verdict_label", labels.verdict_label)
register.filter("bucket_label", labels.bucket_label)
