"""`python -m lecture ...` is the `lecture` command."""

from .cli import main

main(prog_name="lecture")
