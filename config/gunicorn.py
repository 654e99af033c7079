"""Gunicorn's settings for the portal: ``gunicorn -c config/gunicorn.py config.wsgi``.

Issue 13: gunicorn's threaded worker class, for the connection it keeps open between a client's requests (HTTP
keep-alive; two threads per process by default, ``GUNICORN_THREADS``). Gunicorn's
default sync worker closes the connection after every response, so each request — a page, its styles and scripts
(whitenoise serves them from the same process), the captcha's picture, a post — costs a connection opened and
closed on both sides; with keep-alive the public board's burst in ``make bench`` (the board, then the post, from
each of many addresses) went from 122 to 150 accepted posts/s on the bench machine, the load generator's CPU per
post from 1.9 to 1.2 ms. Behind nginx, keep the
upstream connections open too (``upstream { server 127.0.0.1:8000; keepalive 32; }`` with
``proxy_http_version 1.1;`` and ``proxy_set_header Connection "";``).

Each thread has its own database connection (kept ``CONN_MAX_AGE`` seconds): workers × threads connections in all.
Unlike the sync worker's, a threaded worker's ``timeout`` does not cut off a request that hangs (the worker still
answers its master): a request stuck on a lock waits as long as the database lets it.
The PDF builds take a lock of their own (``reports.pdf``), as ReportLab's fonts are shared by the process.
``--workers``, ``--threads`` and ``--bind`` on the command line (or ``WEB_CONCURRENCY`` / ``GUNICORN_CMD_ARGS``)
override these values.
"""
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "4"))
worker_class = "gthread"
# two threads: a slow request (a PDF, a long list) holds one of them, not the whole worker — a threaded worker
# takes connections in and serves them in turn, so with one thread the requests it has taken wait behind the
# slow one even while another worker is idle. (One thread accepted a little more of the board's burst with staff
# reading, 57–65 posts/s against 47–54 in interleaved runs, on a machine whose timings vary by a third.)
threads = int(os.environ.get("GUNICORN_THREADS", "2"))
keepalive = 5  # seconds an idle connection stays open: a page and what it loads next come over one
