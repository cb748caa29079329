#===- examples/llama/corpus.py - the two text corpora, as bytes ----------===#
#
# Text that Debian ships, chosen so that every machine set up by
# utils/setup.sh has the same bytes:
#
#   base      the licence texts of /usr/share/common-licenses (base-files,
#             always installed): every regular file, by name; the links
#             (GPL -> GPL-3, ...) are skipped so no text is counted twice.
#   finetune  the Vim user manual, /usr/share/vim/vim90/doc/usr_NN.txt
#             (vim-runtime): its chapters by name, without the table of
#             contents. Every fifth chapter (sorted index 4, 9, 14, ...;
#             on bookworm usr_05, usr_10, usr_22, usr_27, usr_32, usr_44 and
#             usr_90) is held out for perplexity; the others are the
#             training text.
#
# Tokens are bytes (a vocabulary of 256). Files are joined with a newline.
#
#===------------------------------------------------------------------------===#

import glob
import os

import numpy as np

LICENSES_DIR = "/usr/share/common-licenses"
VIM_DOC_GLOB = "/usr/share/vim/vim[0-9]*/doc"
HELD_OUT_EVERY = 5


class CorpusError(Exception):
  pass


def base_files():
  """The files of the base corpus, in order."""
  if not os.path.isdir(LICENSES_DIR):
    raise CorpusError("%s: no such folder (Debian's base-files ships it)" %
                      LICENSES_DIR)
  files = sorted(os.path.join(LICENSES_DIR, f) for f in
                 os.listdir(LICENSES_DIR))
  files = [f for f in files if os.path.isfile(f) and not os.path.islink(f)]
  if not files:
    raise CorpusError("%s: no licence texts" % LICENSES_DIR)
  return files


def vim_doc_dir():
  # Bookworm has one runtime folder (vim90); should a machine have several,
  # the newest is taken.
  dirs = sorted(glob.glob(VIM_DOC_GLOB),
                key=lambda d: int(d.split("/")[-2][3:]))
  if not dirs:
    raise CorpusError("no Vim user manual in %s/usr_NN.txt (install "
                      "Debian's vim-runtime; utils/setup.sh does)" %
                      VIM_DOC_GLOB)
  return dirs[-1]


def finetune_files():
  """(training files, held-out files) of the fine-tuning corpus."""
  doc = vim_doc_dir()
  chapters = sorted(glob.glob(os.path.join(doc, "usr_[0-9][0-9].txt")))
  if len(chapters) < HELD_OUT_EVERY:
    raise CorpusError("%s: %d usr_NN.txt chapters; at least %d are needed" %
                      (doc, len(chapters), HELD_OUT_EVERY))
  train = [f for i, f in enumerate(chapters)
           if i % HELD_OUT_EVERY != HELD_OUT_EVERY - 1]
  held_out = [f for i, f in enumerate(chapters)
              if i % HELD_OUT_EVERY == HELD_OUT_EVERY - 1]
  return train, held_out


def read_tokens(files):
  """The files' bytes joined with newlines, as uint8 tokens."""
  parts = []
  for f in files:
    with open(f, "rb") as fh:
      parts.append(fh.read())
  return np.frombuffer(b"\n".join(parts), dtype=np.uint8).copy()


def windows(tokens, length, limit=None):
  """Non-overlapping windows of `length` tokens from the start ([n, length]
  int64; the tail shorter than a window is dropped), at most `limit`."""
  n = len(tokens) // length
  if limit is not None:
    n = min(n, limit)
  return tokens[:n * length].astype(np.int64).reshape(n, length)


def describe(files, tokens):
  names = ", ".join(os.path.basename(f) for f in files)
  return "%d files, %d bytes (%s)" % (len(files), len(tokens), names)
