"""A small report generator: reads its YAML settings and prints a summary."""

import yaml

with open("/srv/settings.yaml") as stream:
    settings = yaml.safe_load(stream)
print(f"{settings['name']}: {len(settings['checks'])} checks, every {settings['interval']}s")
