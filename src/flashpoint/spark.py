"""Flashpoint as a Spark job: the same pipeline, spread over a cluster.

    flashpoint spark INPUT [INPUT ...] OUTPUT [--master local[4] | spark://host:7077 | yarn]
    spark-submit --master yarn scripts/spark_job.py INPUT OUTPUT    # (see README)

Steps, each a Spark stage:

1. read + clean: every input file is read in one task (`binaryFile`) by the same reader as
   `flashpoint run`; articles get an ordinal (file, item) that fixes the input order.
2. dedup: MinHash signatures (computed in step 1) are banded; articles sharing a band bucket
   with an earlier one are compared; each repost points at its best earlier match and the
   chains are resolved to the cluster's canonical article: the local rule, in parallel.
3. code: `mapInPandas` over repartitioned articles; each Python worker loads spaCy once
   and runs the pipeline (language, NLP, extraction). Reposts are not coded.
4. link: event mentions are grouped by (type, country) and linked in input order within a
   group by the local linker (no mention can match one outside its group), each mention
   compared only with the earlier ones of its blocks (days of the date window, grid cells
   around its place: link_blocks.py), so a group's time grows linearly with its size;
   mentions and linked events are built per article and per link.
5. write the Parquet dataset (dataset.py): articles, events, quotes, entities, mentions,
   linked_events, clusters, fingerprints, errors (one directory each under OUTPUT; events
   and linked events partitioned by month and country) and its manifest. Events carry the
   CSV export's columns and what a store needs; fingerprints are the articles' MinHash
   signatures, so that `flashpoint load` gives a store what finds later reposts.

The output equals what `flashpoint run` stores for the same input in a new database (a test
checks this in local[2]).
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from flashpoint import dataset
from flashpoint.errors import UsageError
from flashpoint.stages.dedup import DedupOptions
from flashpoint.stages.link import LinkRules
from flashpoint.stages.read import KNOWN_EXTENSIONS, ReadOptions

if TYPE_CHECKING:
    import pandas as pd
    from pyspark.sql import DataFrame, SparkSession

MISSING_EXTRA = (
    "flashpoint spark needs the spark extra and Java 17+: pip install 'flashpoint[spark]'"
)
TABLES = dataset.TABLES


@dataclass
class SparkOptions:
    master: str | None = None  # None: spark-submit's, else local[*]
    partitions: int | None = None  # coding partitions; default: 4 per core of the cluster
    read: ReadOptions = field(default_factory=ReadOptions)
    dedup: DedupOptions = field(default_factory=DedupOptions)
    link: LinkRules = field(default_factory=LinkRules)


def require_pyspark() -> None:
    try:
        import pandas  # noqa: F401
        import pyarrow  # noqa: F401
        import pyspark  # noqa: F401
    except ImportError as exc:
        raise UsageError(f"{MISSING_EXTRA} ({exc.name} is missing)") from exc


def start_session(master: str | None = None) -> SparkSession:
    """A session; in local mode the workers run this interpreter on the loopback address."""
    require_pyspark()
    from pyspark.sql import SparkSession

    # Under spark-submit the master (and the Python to use) come from it; otherwise local.
    submitted = "PYSPARK_GATEWAY_PORT" in os.environ
    if master is None and not submitted:
        master = "local[*]"
    local = master is not None and master.startswith("local")
    if local:
        os.environ["PYSPARK_PYTHON"] = sys.executable
        os.environ["PYSPARK_DRIVER_PYTHON"] = sys.executable
        os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    builder = (
        SparkSession.builder.appName("flashpoint")
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.python.worker.reuse", "true")  # one spaCy load per Python worker
        .config("spark.ui.showConsoleProgress", "false")
    )
    if master is not None:
        builder = builder.master(master)
    if local:
        # A laptop or a test, not a cluster: few shuffle partitions, no web UI.
        builder = builder.config("spark.ui.enabled", "false").config(
            "spark.sql.shuffle.partitions", "4"
        )
    return builder.getOrCreate()


def run_job(
    spark: SparkSession, inputs: list[str], output: str, options: SparkOptions | None = None
) -> dict[str, int]:
    """Code `inputs` (files or directories, any Hadoop file system) into Parquet tables under
    `output`. Returns the number of rows of each table."""
    from pyspark import StorageLevel

    options = options or SparkOptions()
    files = _list_files(spark, inputs)
    if files.isEmpty():
        raise UsageError(f"{', '.join(inputs)}: no .txt, .html, .jsonl or .csv files")
    from pyspark.sql import functions as F

    documents = _read_and_clean(spark, files, options).persist(StorageLevel.MEMORY_AND_DISK)
    articles = _dedup(spark, documents, options).persist(StorageLevel.MEMORY_AND_DISK)
    coded = _code(spark, articles.drop("signature"), options).persist(StorageLevel.MEMORY_AND_DISK)
    events = _link(coded, options).persist(StorageLevel.MEMORY_AND_DISK)
    mentions = _mentions(coded, events).persist(StorageLevel.MEMORY_AND_DISK)
    linked = _linked_events(events, mentions, options)
    tables = {
        "articles": _articles_table(coded),
        "events": _events_table(coded, events),
        "quotes": _json_rows(coded, "quotes"),
        "entities": _json_rows(coded, "entities"),
        "mentions": mentions.drop("ordinal", "position"),
        "linked_events": linked,
        "clusters": _clusters(coded),
        "fingerprints": articles.where("signature IS NOT NULL").select(
            "article_id",
            "cluster_id",
            F.coalesce("duplicate_of", "article_id").alias("canonical_id"),
            "signature",
        ),
        "errors": documents.where("error IS NOT NULL").select("ordinal", "name", "error"),
    }
    root = output.rstrip("/")
    counts = {}
    for name, table in tables.items():
        table = table.select(*dataset.COLUMNS[name])
        writer = table.write.mode("overwrite")
        if name in dataset.PARTITIONED:
            writer = writer.partitionBy(*dataset.PARTITIONS)
        writer.parquet(f"{root}/{name}")
        counts[name] = (
            spark.read.schema(dataset.spark_schema(name)).parquet(f"{root}/{name}").count()
        )
    _write_text(spark, f"{root}/{dataset.MANIFEST}", json.dumps(dataset.manifest(options.dedup)))
    for frame in (mentions, events, coded, articles, documents):
        frame.unpersist()
    return counts


def _write_text(spark: SparkSession, path: str, text: str) -> None:
    """A small file beside the tables, on any Hadoop file system (local paths directly)."""
    if "://" not in path or path.startswith("file:"):
        Path(path.removeprefix("file:")).write_text(text + "\n", encoding="utf-8")
        return
    jvm = spark.sparkContext._jvm  # type: ignore[attr-defined]
    hadoop_path = jvm.org.apache.hadoop.fs.Path(path)
    fs = hadoop_path.getFileSystem(spark.sparkContext._jsc.hadoopConfiguration())  # type: ignore[attr-defined]
    stream = fs.create(hadoop_path, True)
    try:
        stream.write(bytearray((text + "\n").encode("utf-8")))
    finally:
        stream.close()


# --- 1. read + clean ---------------------------------------------------------------------------


def _list_files(spark: SparkSession, inputs: list[str]) -> DataFrame:
    """(file_index, path) in the local reader's order: inputs as given, each directory's
    files sorted by path; hidden files and unknown extensions skipped."""
    from pyspark.errors import AnalysisException

    ordered: list[str] = []
    for path in inputs:
        try:
            found = (
                spark.read.format("binaryFile")
                .option("recursiveFileLookup", "true")
                .load(_uri(path))
                .select("path")
                .collect()
            )
        except AnalysisException as exc:
            raise UsageError(f"{path}: cannot be read ({str(exc).splitlines()[0]})") from exc
        names = sorted(row.path for row in found if _wanted(row.path, path))
        ordered += [n for n in names if n not in ordered]
    return spark.createDataFrame(
        [(index, name) for index, name in enumerate(ordered)], "file_index long, path string"
    )


def _uri(path: str) -> str:
    return path if "://" in path or path.startswith("file:") else str(Path(path).resolve())


def _wanted(found: str, given: str) -> bool:
    relative = found.split("://", 1)[-1].removeprefix("file:")
    parts = Path(relative).parts
    base = Path(given.split("://", 1)[-1].removeprefix("file:")).parts
    hidden = any(part.startswith(".") for part in parts[len(base) - 1 :])
    return not hidden and Path(relative).suffix.lower() in KNOWN_EXTENSIONS


DOCUMENT_SCHEMA = (
    "ordinal long, name string, error string, article_id string, article string,"
    " signature binary, buckets array<long>"
)


def _read_and_clean(spark: SparkSession, files: DataFrame, options: SparkOptions) -> DataFrame:
    paths = [row.path for row in files.collect()]
    contents = spark.read.format("binaryFile").load(paths).select("path", "content")
    read_options, dedup_options = options.read, options.dedup

    def read_partition(batches: Iterator[pd.DataFrame]) -> Iterator[pd.DataFrame]:

        from flashpoint.errors import InputError
        from flashpoint.stages import clean
        from flashpoint.stages.dedup import band_keys, signature, signature_to_bytes
        from flashpoint.stages.read import iter_file_bytes

        for batch in batches:
            rows: list[dict[str, Any]] = []
            for file_index, path, content in zip(
                batch["file_index"], batch["path"], batch["content"], strict=True
            ):
                name = path.removeprefix("file:")
                for item_index, raw in enumerate(
                    iter_file_bytes(bytes(content), name, read_options)
                ):
                    ordinal = (int(file_index) << 32) | item_index
                    item = raw if isinstance(raw, InputError) else clean.build_article(raw)
                    if isinstance(item, InputError):
                        rows.append({"ordinal": ordinal, "name": item.name, "error": item.reason})
                        continue
                    sig = signature(item, dedup_options)
                    rows.append(
                        {
                            "ordinal": ordinal,
                            "name": item.input_name,
                            "article_id": item.id,
                            "article": item.model_dump_json(),
                            "signature": signature_to_bytes(sig) if sig is not None else None,
                            "buckets": [b for _, b in band_keys(sig, dedup_options)]
                            if sig is not None
                            else None,
                        }
                    )
            yield _frame(rows, DOCUMENT_SCHEMA_COLUMNS)

    return contents.join(files, "path").mapInPandas(read_partition, DOCUMENT_SCHEMA)


DOCUMENT_SCHEMA_COLUMNS = [c.strip().split()[0] for c in DOCUMENT_SCHEMA.split(",")]


# --- 2. dedup ----------------------------------------------------------------------------------


def _dedup(spark: SparkSession, documents: DataFrame, options: SparkOptions) -> DataFrame:
    """Articles (first copy of each text only) with cluster_id, duplicate_of, similarity."""
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    from flashpoint.stages.dedup import cluster_id_for

    ok = documents.where("error IS NULL")
    # The same text twice: the later copies are skipped, as a local run skips them.
    first = Window.partitionBy("article_id").orderBy("ordinal")
    ok = ok.withColumn("copy", F.row_number().over(first)).where("copy = 1").drop("copy")

    def signature_similarity(first_sig, second_sig):  # no hints: Spark would read them
        from flashpoint.stages.dedup import signature_from_bytes, similarity

        return similarity(signature_from_bytes(first_sig), signature_from_bytes(second_sig))

    similarity = F.udf(signature_similarity, "double")

    buckets = ok.where("signature IS NOT NULL").select(
        "ordinal", "article_id", "signature", F.posexplode("buckets").alias("band", "bucket")
    )
    earlier, later = buckets.alias("earlier"), buckets.alias("later")
    pairs = (
        earlier.join(
            later,
            (F.col("earlier.band") == F.col("later.band"))
            & (F.col("earlier.bucket") == F.col("later.bucket"))
            & (F.col("earlier.ordinal") < F.col("later.ordinal")),
        )
        .select(
            F.col("earlier.ordinal").alias("earlier_ordinal"),
            F.col("earlier.article_id").alias("earlier_id"),
            F.col("earlier.signature").alias("earlier_sig"),
            F.col("later.article_id").alias("later_id"),
            F.col("later.signature").alias("later_sig"),
        )
        .dropDuplicates(["earlier_id", "later_id"])
        .withColumn("similarity", similarity("earlier_sig", "later_sig"))
        .where(F.col("similarity") >= options.dedup.threshold)
    )
    best = Window.partitionBy("later_id").orderBy(F.desc("similarity"), "earlier_ordinal")
    parents = (
        pairs.withColumn("rank", F.row_number().over(best))
        .where("rank = 1")
        .select("later_id", "earlier_id", "similarity")
        .collect()
    )
    # Chains (a repost of a repost) end at the canonical article; only reposts travel here.
    parent = {row.later_id: row.earlier_id for row in parents}

    def canonical(article_id: str) -> str:
        while article_id in parent:
            article_id = parent[article_id]
        return article_id

    reposts = spark.createDataFrame(
        [(row.later_id, canonical(row.later_id), row.similarity) for row in parents],
        "article_id string, duplicate_of string, similarity double",
    )
    cluster_of = F.udf(lambda canonical: cluster_id_for(canonical), "string")
    return (
        ok.join(reposts, "article_id", "left")
        .withColumn(
            "cluster_id", cluster_of(F.coalesce(F.col("duplicate_of"), F.col("article_id")))
        )
        .drop("buckets")
    )


# --- 3. code -----------------------------------------------------------------------------------

CODED_SCHEMA = (
    "ordinal long, article_id string, article string, events string, quotes string, entities string"
)

_worker_pipeline = None


def _pipeline(options: SparkOptions):
    """The pipeline of this Python worker: spaCy loads once, on first use."""
    global _worker_pipeline
    if _worker_pipeline is None:
        from flashpoint.pipeline import Pipeline, PipelineOptions

        _worker_pipeline = Pipeline(PipelineOptions(read=options.read))
    return _worker_pipeline


def _code(spark: SparkSession, articles: DataFrame, options: SparkOptions) -> DataFrame:
    partitions = options.partitions or 4 * spark.sparkContext.defaultParallelism

    def code_partition(batches: Iterator[pd.DataFrame]) -> Iterator[pd.DataFrame]:

        from flashpoint.model import Article, ArticleResult

        pipeline = _pipeline(options)
        for batch in batches:
            ordinals, items = [], []
            for row in batch.itertuples(index=False):
                article = Article.model_validate_json(row.article)
                article.cluster_id = row.cluster_id
                if isinstance(row.duplicate_of, str):
                    article.duplicate_of = row.duplicate_of
                    article.status = "duplicate"
                    article.status_reason = (
                        f"repost of {row.duplicate_of} (body similarity {row.similarity:.2f})"
                    )
                    items.append(ArticleResult(article=article))
                else:
                    items.append(article)
                ordinals.append(int(row.ordinal))
            rows = []
            for ordinal, result in zip(ordinals, pipeline.process(items), strict=True):
                rows.append(
                    {
                        "ordinal": ordinal,
                        "article_id": result.article.id,
                        "article": result.article.model_dump_json(),
                        "events": _dump_list(result.events),
                        "quotes": _dump_list(result.quotes),
                        "entities": _dump_list(result.entities),
                    }
                )
            yield _frame(rows, ["ordinal", "article_id", "article", "events", "quotes", "entities"])

    return articles.repartition(partitions).mapInPandas(code_partition, CODED_SCHEMA)


def _dump_list(records: list) -> str:
    return json.dumps([r.model_dump(mode="json") for r in records], ensure_ascii=False)


# --- 4. link -----------------------------------------------------------------------------------

EVENT_SCHEMA = (
    "ordinal long, position int, id string, article_id string, event string, mode string,"
    " date string, date_precision string, country string, lat double, lon double,"
    " confidence double, negated boolean, hypothetical boolean, future boolean,"
    " background boolean, link_id string, record string, mergeable boolean,"
    " type_key string, country_key string"
)
EVENT_COLUMNS = [c.strip().split()[0] for c in EVENT_SCHEMA.split(",")]


def _event_row(ordinal: int, position: int, event: Any, mergeable: bool) -> dict[str, Any]:
    loc = event.event_loc
    return {
        "ordinal": ordinal,
        "position": position,
        "id": event.id,
        "article_id": event.article_id,
        "event": event.event,
        "mode": event.mode,
        "date": event.date.isoformat() if event.date else None,
        "date_precision": event.date_precision,
        "country": loc.country if loc else None,
        "lat": loc.lat if loc else None,
        "lon": loc.lon if loc else None,
        "confidence": event.confidence,
        "negated": event.negated,
        "hypothetical": event.hypothetical,
        "future": event.future,
        "background": event.background,
        "link_id": event.link_id,
        "record": event.model_dump_json(),
        "mergeable": mergeable,
        "type_key": event.event if mergeable else None,
        "country_key": loc.country if mergeable and loc else None,
    }


def _link(coded: DataFrame, options: SparkOptions) -> DataFrame:
    rules = options.link

    def explode_events(batches: Iterator[pd.DataFrame]) -> Iterator[pd.DataFrame]:

        from flashpoint.model import Event
        from flashpoint.stages.link import is_factual, is_mergeable, link_id_for

        for batch in batches:
            rows = []
            for ordinal, events in zip(batch["ordinal"], batch["events"], strict=True):
                for position, data in enumerate(json.loads(events)):
                    event = Event.model_validate(data)
                    mergeable = is_mergeable(event, rules)
                    if not is_factual(event):
                        event.link_id = None
                    elif not mergeable:
                        event.link_id = link_id_for(event.id)
                    rows.append(_event_row(int(ordinal), position, event, mergeable))
            yield _frame(rows, EVENT_COLUMNS)

    def link_group(group: pd.DataFrame) -> pd.DataFrame:

        from flashpoint.link_blocks import link_blocked
        from flashpoint.model import Event

        group = group.sort_values(["ordinal", "position"])
        events = [Event.model_validate_json(r) for r in group["record"]]
        by_article: dict[int, list] = {}
        for ordinal, event in zip(group["ordinal"], events, strict=True):
            by_article.setdefault(int(ordinal), []).append(event)
        link_blocked(by_article.values(), rules)
        rows = [
            _event_row(int(o), int(p), e, True)
            for o, p, e in zip(group["ordinal"], group["position"], events, strict=True)
        ]
        return _frame(rows, EVENT_COLUMNS)

    events = coded.select("ordinal", "events").mapInPandas(explode_events, EVENT_SCHEMA)
    merged = (
        events.where("mergeable")
        .groupBy("type_key", "country_key")
        .applyInPandas(link_group, EVENT_SCHEMA)
    )
    return events.where("NOT mergeable").unionByName(merged)


MENTION_SCHEMA = (
    "ordinal long, position int, link_id string, article_id string, event_id string,"
    " event_ids array<string>, repost boolean, source string, published string,"
    " cluster_id string, confidence double"
)
MENTION_COLUMNS = [c.strip().split()[0] for c in MENTION_SCHEMA.split(",")]


def _mentions(coded: DataFrame, events: DataFrame) -> DataFrame:
    """One mention per article and linked event: coded articles through their own events,
    reposts through their canonical article's."""
    from pyspark.sql import functions as F

    articles = coded.select("ordinal", "article_id", "article")
    linked = events.where("link_id IS NOT NULL").select(
        F.col("article_id").alias("event_article"), "position", "record"
    )
    own = articles.join(linked, articles.article_id == linked.event_article)
    duplicate_of = F.get_json_object("article", "$.duplicate_of")
    reposts = articles.where(duplicate_of.isNotNull()).withColumn("canonical", duplicate_of)
    via_canonical = reposts.join(linked, reposts.canonical == linked.event_article).drop(
        "canonical"
    )

    def article_mentions(group: pd.DataFrame) -> pd.DataFrame:

        from flashpoint.model import Article, Event
        from flashpoint.stages.link import mentions_for

        group = group.sort_values("position")
        article = Article.model_validate_json(group["article"].iloc[0])
        events_of = [Event.model_validate_json(r) for r in group["record"]]
        mentions = mentions_for(events_of, article, repost=article.status == "duplicate")
        rows = [
            {
                "ordinal": int(group["ordinal"].iloc[0]),
                "position": index,
                **m.model_dump(mode="json"),
            }
            for index, m in enumerate(mentions)
        ]
        return _frame(rows, MENTION_COLUMNS)

    return (
        own.unionByName(via_canonical)
        .groupBy("article_id")
        .applyInPandas(article_mentions, MENTION_SCHEMA)
    )


def _linked_events(events: DataFrame, mentions: DataFrame, options: SparkOptions) -> DataFrame:
    rules = options.link
    fields = set(MENTION_COLUMNS) - {"ordinal", "position"}
    linked_columns = list(dataset.COLUMNS["linked_events"])

    def summarize_link(links: pd.DataFrame, mentioned: pd.DataFrame) -> pd.DataFrame:

        from flashpoint.model import Event, EventMention
        from flashpoint.stages.link import summarize

        links = links.sort_values(["ordinal", "position"])
        mentioned = mentioned.sort_values(["ordinal", "position"])
        link_id = links["link_id"].iloc[0]
        events_of = [Event.model_validate_json(r) for r in links["record"]]
        mentions = [
            EventMention.model_validate(
                {k: (list(v) if k == "event_ids" else v) for k, v in row.items() if k in fields}
            )
            for row in mentioned.to_dict("records")
        ]
        record = summarize(link_id, None, events_of, mentions, rules)
        return _frame([dataset.linked_row(record)], linked_columns)

    linked = events.where("link_id IS NOT NULL").select("link_id", "ordinal", "position", "record")
    return (
        linked.groupBy("link_id")
        .cogroup(mentions.groupBy("link_id"))
        .applyInPandas(summarize_link, dataset.spark_schema("linked_events"))
    )


# --- 5. tables ---------------------------------------------------------------------------------


def _articles_table(coded: DataFrame) -> DataFrame:
    def unpack(batches: Iterator[pd.DataFrame]) -> Iterator[pd.DataFrame]:

        from flashpoint.model import Article

        columns = list(dataset.COLUMNS["articles"])
        for batch in batches:
            rows = [
                dataset.article_row(Article.model_validate_json(data), int(ordinal))
                for ordinal, data in zip(batch["ordinal"], batch["article"], strict=True)
            ]
            yield _frame(rows, columns)

    return coded.select("ordinal", "article").mapInPandas(unpack, dataset.spark_schema("articles"))


def _events_table(coded: DataFrame, events: DataFrame) -> DataFrame:
    """The events as the dataset's rows: the export's flat columns (with their article's
    title, publication time, source and URL) and the store's, in input order per article."""
    from pyspark.sql import functions as F

    meta = coded.select(
        F.col("article_id").alias("meta_article_id"), F.col("article").alias("article_json")
    )

    def unpack(batches: Iterator[pd.DataFrame]) -> Iterator[pd.DataFrame]:

        from flashpoint.model import Article, Event

        columns = list(dataset.COLUMNS["events"])
        articles: dict[str, dict[str, Any]] = {}
        for batch in batches:
            rows = []
            for position, record, article in zip(
                batch["position"], batch["record"], batch["article_json"], strict=True
            ):
                event = Event.model_validate_json(record)
                if event.article_id not in articles:
                    articles.clear()  # rows come grouped by article: keep one at a time
                    articles[event.article_id] = dataset.article_meta(
                        Article.model_validate_json(article)
                    )
                rows.append(dataset.event_row(event, articles[event.article_id], int(position)))
            yield _frame(rows, columns)

    joined = events.select("ordinal", "position", "article_id", "record").join(
        meta, events.article_id == meta.meta_article_id
    )
    return joined.sortWithinPartitions("ordinal", "position").mapInPandas(
        unpack, dataset.spark_schema("events")
    )


def _json_rows(coded: DataFrame, column: str) -> DataFrame:
    """One row per quote or entity: its key fields and the record as JSON (dataset.py)."""
    columns = list(dataset.COLUMNS[column])

    def unpack(batches: Iterator[pd.DataFrame]) -> Iterator[pd.DataFrame]:

        for batch in batches:
            rows = []
            for article_id, data in zip(batch["article_id"], batch[column], strict=True):
                for position, record in enumerate(json.loads(data)):
                    row = {k: record.get(k) for k in columns}
                    if column == "quotes":
                        row["speaker_code"] = (record.get("speaker") or {}).get("code")
                    row.update(article_id=article_id, position=position)
                    row["record"] = json.dumps(record, ensure_ascii=False)
                    rows.append(row)
            yield _frame(rows, columns)

    return coded.select("article_id", column).mapInPandas(unpack, dataset.spark_schema(column))


def _clusters(coded: DataFrame) -> DataFrame:
    from pyspark.sql import functions as F

    articles = coded.select(
        F.get_json_object("article", "$.cluster_id").alias("id"),
        F.coalesce(F.get_json_object("article", "$.duplicate_of"), F.col("article_id")).alias(
            "canonical_id"
        ),
        F.get_json_object("article", "$.published").alias("published"),
    )
    return articles.groupBy("id").agg(
        F.first("canonical_id").alias("canonical_id"),
        F.count("*").cast("int").alias("size"),
        F.min("published").alias("first_published"),
        F.max("published").alias("last_published"),
    )


def _frame(rows: list[dict[str, Any]], columns: list[str]) -> pd.DataFrame:
    """A pandas frame with every column present in every row: a column missing from a whole
    batch would become float NaN, which Arrow refuses for a string column."""
    import pandas as pd

    return pd.DataFrame([{c: row.get(c) for c in columns} for row in rows], columns=columns)


def main(argv: list[str] | None = None) -> None:
    """`spark-submit scripts/spark_job.py INPUT [INPUT ...] OUTPUT` (or `python -m
    flashpoint.spark ...`): the master comes from spark-submit, else local[*]."""
    args = list(sys.argv[1:] if argv is None else argv)
    if len(args) < 2:
        sys.exit("usage: flashpoint.spark INPUT [INPUT ...] OUTPUT")
    spark = start_session()
    try:
        counts = run_job(spark, args[:-1], args[-1])
    finally:
        spark.stop()
    print(json.dumps(counts))


if __name__ == "__main__":
    main()
