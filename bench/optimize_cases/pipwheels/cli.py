"""A command-line report that needs its wheels (installed from the build context, offline)."""

import click
import rich


@click.command()
def main() -> None:
    click.echo(f"click {click.__name__} + rich {rich.__name__}: ready")


main()
