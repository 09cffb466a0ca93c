"""Imports a folder from a process whose multiprocessing default is spawn (as a job of
bench/scale.py's spawned pool is): the render workers must still work. Prints the summary."""
import multiprocessing
import sys

if __name__ == "__main__":
    multiprocessing.set_start_method("spawn", force=True)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", "--no-input", "-v", "0")
    from articles.importing import import_paths

    print(" ".join(outcome.status for outcome in import_paths([sys.argv[1]]).outcomes))
