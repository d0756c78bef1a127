"""Build training/articles_own.jsonl from training/articles/*.yaml (see
flashpoint.training_articles): `python scripts/build_article_gold.py [SOURCE_DIR] [OUT.jsonl]`."""

import sys

from flashpoint.training_articles import main

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
