"""The `spark-submit` entry point: `spark-submit [options] scripts/spark_job.py INPUT... OUTPUT`.

The same job as `flashpoint spark`; the master and the executors' Python come from
spark-submit (see the README, "On Spark")."""

from flashpoint.spark import main

if __name__ == "__main__":
    main()
