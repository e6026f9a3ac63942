"""``python -m deskline``: the same as the ``deskline`` command."""

from deskline.tui.cli.main import main

if __name__ == "__main__":
    main()
