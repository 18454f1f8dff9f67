"""A small report generator: reads its YAML settings and prints a summary."""

import yaml

settings = yaml.safe_load(open("/srv/settings.yaml"))
print(f"{settings['name']}: {len(settings['checks'])} checks, every {settings['interval']}s")
