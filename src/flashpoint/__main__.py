"""`python -m flashpoint`: the `flashpoint` command."""

from flashpoint.cli import main

if __name__ == "__main__":
    main()
