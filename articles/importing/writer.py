"""The importer's writer: a process of its own that writes the files the importer decided, one
transaction per file, in the order they were sent, while the importer reads and decides the
next ones. On SQLite one writer at a time holds the database, so writing is the import's one
serial step; in a process of its own it no longer waits for the deciding.

    writer = Writer(write, user=None, overwrite_edits=False)   # write(session, parsed, rendered, **options)
    writer.send(parsed, rendered)                              # queued
    written = writer.receive()                                 # the oldest sent file's result (answers
                                                               # come in batches: see _serve)
    writer.close()                                             # or stop(): an interrupted run

``write`` is a module-level function returning a picklable result (``loader.write_file``: it
never raises for the file's sake); the writer keeps its own ``ImportSession``, the authority on
the ids it creates. ``receive`` raises ``WriterDied`` when the process ended (a crash, the
memory limit): the files it was sent and has not answered were written whole or not at all.

The writer is forked (spawned where fork is missing, setting Django up first) with no database
connection open in the importer: a forked process must not use, nor close, its parent's
connection (closing a PostgreSQL one ends the parent's session); it opens its own.
"""
from collections import deque
from dataclasses import replace
import fcntl

from django.conf import settings
from django.db import connections

from ..editing.imports import ImportSession
from ..search import sync
from .workers import worker_start


ANSWER_EVERY = 16  # files written before the writer answers, when more are waiting
F_SETPIPE_SZ = getattr(fcntl, "F_SETPIPE_SZ", 1031)
PIPE_BYTES = 1 << 20


class WriterDied(Exception):
    """The writer process ended before answering; ``args[0]`` is its exit code."""


class Writer:
    def __init__(self, write, **options):
        start = worker_start()
        connections.close_all()  # reopened by the importer at its next query
        context = start["context"]
        self.reading, sending = context.Pipe(duplex=False)
        reading, self.sending = context.Pipe(duplex=False)
        _widen(self.sending)
        # A forked process holds copies of this side's ends too: it closes them, so that it
        # reads the end of its tasks when this process ends.
        ours = (self.reading, self.sending) if context.get_start_method() == "fork" else ()
        self.process = context.Process(
            target=_serve, args=(reading, sending, ours, write, options, start.get("initializer")),
            name="kb-import-writer", daemon=True)
        self.process.start()
        reading.close()
        sending.close()
        self.answers = deque()

    def send(self, parsed, rendered):
        # Without their warnings (the importer's outcome holds them): lazy text costs a
        # class per value to unpickle, more than the rest of a page.
        parsed = replace(parsed, fields=replace(parsed.fields, warnings=[]))
        try:
            self.sending.send((parsed, replace(rendered, warnings=[])))
        except (BrokenPipeError, ConnectionResetError, EOFError):
            pass  # the process ended: receive() says so

    def receive(self):
        if not self.answers:
            try:
                self.answers.extend(self.reading.recv())
            except (EOFError, ConnectionResetError):
                self.process.join(5)
                raise WriterDied(self.process.exitcode) from None
        return self.answers.popleft()

    def close(self):
        """After every result was received: the process ends once its last transaction did."""
        try:
            self.sending.send(None)
        except (BrokenPipeError, ConnectionResetError):
            pass
        self.process.join()

    def stop(self):
        """An interrupted run: the transaction under way is rolled back with the process."""
        self.process.terminate()
        self.process.join()


def _widen(connection):
    """A deeper pipe (Linux), so that the importer sends files ahead without waiting for the
    writer to read each: every wait is a hand-over between processes, which costs most on a
    busy machine."""
    try:
        fcntl.fcntl(connection.fileno(), F_SETPIPE_SZ, PIPE_BYTES)
    except OSError:
        pass


def _serve(reading, sending, ours, write, options, setup):
    """Write each file received and answer in batches: when nothing more is waiting to be
    written, or every ``ANSWER_EVERY`` files (each answer wakes the importer)."""
    for end in ours:
        end.close()
    if setup is not None:
        setup()
    # No log of queries here, whatever DEBUG says: this process serves no request to debug, and
    # Django's log (its last 9,000 statements, a whole page in each INSERT) would grow to a few
    # hundred MB and cost a quoting query per statement on SQLite.
    settings.DEBUG = False
    session, answers = None, []
    with sync.deferred():  # the importer brings the index up to date at its end
        while True:
            if answers and (len(answers) >= ANSWER_EVERY or not reading.poll()):
                sending.send(answers)
                answers = []
            task = _next(reading)
            if task is None:
                break
            session = session or ImportSession()
            answers.append(write(session, *task, **options))
    if answers:
        sending.send(answers)
    connections.close_all()


def _next(reading):
    try:
        return reading.recv()
    except EOFError:  # the importer ended
        return None
