"""`python -m lecture ...` is the `lecture` command."""

from lecture.cli import main

main(prog_name="lecture")
