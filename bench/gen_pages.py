#!/usr/bin/env python3
# Copied unchanged from the team's shared bench-kit (shared/bench-kit/gen_pages.py) so the benchmarks run from a clone alone.
"""Generate N realistic ~50 KB Dutch-government-style HTML pages for peer benchmarks.

Each page imitates a ministry/NCTV news or publication page: header with a large
navigation menu, breadcrumbs, an article with the current threat level, a list of
~60 publications with dates and document types, a sidebar and a long footer.

Usage:
  gen_pages.py generate DIR N          # (re)create DIR with pages page-0001.html .. page-N.html
  gen_pages.py mutate DIR FRACTION R   # change FRACTION of the pages (round R picks a
                                        # different, deterministic subset each round):
                                        # a new publication is added at the top of the list
                                        # and the "laatst gewijzigd" date is changed.
  gen_pages.py noise DIR R             # volatile markup only: every page gets a new CSRF-style
                                        # token in <head> (bytes/ETag change, visible text does not)
Output is deterministic for a given (N, round) so runs are repeatable.
"""
import hashlib
import json
import os
import random
import sys
import time

MONTHS = ["januari", "februari", "maart", "april", "mei", "juni", "juli",
          "augustus", "september", "oktober", "november", "december"]
LEVELS = [(1, "minimaal"), (2, "beperkt"), (3, "aanzienlijk"), (4, "substantieel"), (5, "kritiek")]
DOC_TYPES = ["Rapport", "Kamerstuk", "Brief", "Publicatie", "Nieuwsbericht", "Factsheet", "Beleidsnota"]
TOPICS = ["Dreigingsbeeld Terrorisme Nederland", "Fenomeenanalyse jihadisme", "Rechts-terroristische dreiging",
          "Online radicalisering van jongeren", "Statelijke dreigingen", "Weerbaarheid vitale infrastructuur",
          "Terugkeerders uit Syrie en Irak", "Extremisme en polarisatie", "Cybersecurity beeld Nederland",
          "Beveiliging en bewaking", "Crisisbeheersing en rampenbestrijding", "Drugsgerelateerde dreiging"]
NAV = ["Onderwerpen", "Terrorismebestrijding", "Dreigingsniveau", "Publicaties", "Actueel", "Nieuws",
       "Organisatie", "Contact", "Werken bij", "Cybersecurity", "Crisisbeheersing", "Bewaken en beveiligen",
       "Radicalisering", "Extremisme", "Statelijke dreigingen", "Vitale infrastructuur", "Documenten",
       "Kamerstukken", "Rapporten", "Brochures", "Toespraken", "Vacatures", "Over ons", "English"]
WORDS = ("de het een van en in op te dat die voor met zijn niet aan er om ook als dan bij maar nog wel "
         "dreiging terrorisme aanslag overheid veiligheid samenleving maatregelen analyse ontwikkelingen "
         "netwerken online jongeren groepen personen risico beoordeling coordinator nationaal ministerie "
         "justitie gemeenten politie inlichtingen diensten internationaal europese context periode").split()


def sentence(rng, n=None):
    n = n or rng.randint(9, 22)
    w = [rng.choice(WORDS) for _ in range(n)]
    return w[0].capitalize() + " " + " ".join(w[1:]) + "."


def date_str(day_index):
    # day_index days since 2015-01-01, rendered as Dutch date
    t = time.gmtime(1420070400 + day_index * 86400)
    return f"{t.tm_mday} {MONTHS[t.tm_mon - 1]} {t.tm_year}"


def render(i, version, nonce=0):
    rng = random.Random(i * 7919)
    level = LEVELS[3] if i % 5 else LEVELS[2]
    topic = TOPICS[i % len(TOPICS)]
    base_day = 3000 + (i % 200)
    parts = []
    a = parts.append
    a('<!DOCTYPE html>\n<html lang="nl">\n<head>\n<meta charset="utf-8">\n')
    a(f'<title>{topic} | Nationaal Coordinator Terrorismebestrijding en Veiligheid</title>\n')
    a('<meta name="viewport" content="width=device-width, initial-scale=1">\n')
    a('<link rel="stylesheet" href="/assets/css/main.css">\n<script src="/assets/js/app.js" defer></script>\n')
    a('<style>body{font-family:RijksoverheidSans,Verdana,sans-serif}.nav a{padding:4px}</style>\n')
    noise_len = 0
    if nonce:
        tok = f'<meta name="csrf-token" content="{hashlib.sha1(f"{i}-{nonce}".encode()).hexdigest()}">\n'
        noise_len = len(tok)
        a(tok)
    a('</head>\n<body>\n')
    a('<a class="skiplink" href="#content">Ga direct naar inhoud</a>\n')
    a('<header class="site-header"><div class="logo"><img src="/assets/img/logo.svg" alt="Logo Rijksoverheid"></div>\n')
    a('<nav class="nav" aria-label="Hoofdmenu"><ul>\n')
    for k, item in enumerate(NAV):
        a(f'<li class="nav-item nav-{k}"><a href="/{item.lower().replace(" ", "-")}">{item}</a>')
        a('<ul class="sub">' + "".join(
            f'<li><a href="/{item.lower().replace(" ", "-")}/{j}">{rng.choice(TOPICS)}</a></li>' for j in range(4)) + '</ul></li>\n')
    a('</ul></nav>\n<form class="search" action="/zoeken"><input name="q" type="search" placeholder="Zoeken"></form>\n</header>\n')
    a('<div class="breadcrumbs"><a href="/">Home</a> &gt; <a href="/onderwerpen">Onderwerpen</a> &gt; '
      f'<a href="/onderwerpen/terrorisme">Terrorisme</a> &gt; <span>{topic}</span></div>\n')
    a('<main id="content">\n<article>\n')
    a(f'<h1>{topic}</h1>\n')
    a(f'<p class="meta">Laatst gewijzigd: <time>{date_str(base_day + version * 3)}</time></p>\n')
    a(f'<div class="threat-level" data-level="{level[0]}"><h2>Dreigingsniveau</h2>'
      f'<p class="level">Niveau {level[0]} van 5: {level[1]}</p>'
      f'<p>De kans dat in Nederland een aanslag plaatsvindt is voorstelbaar.</p></div>\n')
    for _ in range(6):
        a('<p>' + " ".join(sentence(rng) for _ in range(5)) + '</p>\n')
    a('<h2>Documenten</h2>\n<ul class="documents">\n')
    docs = []
    # new publications added by mutations appear at the top
    for v in range(version, 0, -1):
        docs.append((f"{topic} - aanvulling {v}", base_day + v * 3, DOC_TYPES[v % len(DOC_TYPES)], 100 + v))
    for d in range(60):
        docs.append((f"{rng.choice(TOPICS)} {2024 - d // 6}", base_day - d * 17, rng.choice(DOC_TYPES), rng.randint(80, 3000)))
    added_len = 0
    for n_doc, (title, day, typ, kb) in enumerate(docs):
        slug = title.lower().replace(" ", "-")
        li = (f'<li class="document"><a href="/documenten/{typ.lower()}/{slug}">{title}</a> '
              f'<span class="type">{typ}</span> <time>{date_str(day)}</time> '
              f'<span class="size">PDF | {kb} kB</span></li>\n')
        if n_doc < version:
            added_len += len(li)
        a(li)
    a('</ul>\n</article>\n')
    a('<aside class="sidebar"><h2>Zie ook</h2><ul>\n')
    for _ in range(15):
        a(f'<li><a href="/onderwerpen/{rng.randint(1, 999)}">{rng.choice(TOPICS)}</a></li>\n')
    a('</ul></aside>\n</main>\n')
    a('<footer class="site-footer"><div class="cols">\n')
    for c in range(4):
        a(f'<div class="col"><h3>{rng.choice(NAV)}</h3><ul>' +
          "".join(f'<li><a href="/footer/{c}/{j}">{rng.choice(NAV)} {rng.choice(TOPICS)}</a></li>' for j in range(10)) +
          '</ul></div>\n')
    a('<p class="disclaimer">' + " ".join(sentence(rng) for _ in range(8)) + '</p>\n')
    a('</div></footer>\n</body>\n</html>\n')
    html = "".join(parts)
    # pad to ~50 KB with more body paragraphs inside a hidden "print" block (realistic boilerplate)
    pad = []
    # padding is computed without the added publications so a mutation changes only the list/date
    while len(html) - added_len - noise_len + sum(len(p) for p in pad) < 50_000:
        pad.append('<p>' + " ".join(sentence(rng) for _ in range(6)) + '</p>\n')
    return html.replace('</article>', '<section class="toelichting">' + "".join(pad) + '</section>\n</article>', 1)


def generate(d, n):
    os.makedirs(d, exist_ok=True)
    for f in os.listdir(d):
        if f.startswith("page-") or f == "versions.json":
            os.remove(os.path.join(d, f))
    versions = {}
    for i in range(1, n + 1):
        versions[i] = 0
        with open(os.path.join(d, f"page-{i:04d}.html"), "w", encoding="utf-8") as fh:
            fh.write(render(i, 0))
    with open(os.path.join(d, "versions.json"), "w") as fh:
        json.dump({"n": n, "versions": versions}, fh)


def mutate(d, fraction, rnd):
    with open(os.path.join(d, "versions.json")) as fh:
        st = json.load(fh)
    n = st["n"]
    k = max(1, round(n * fraction))
    order = list(range(1, n + 1))
    random.Random(rnd).shuffle(order)
    chosen = sorted(order[:k])
    for i in chosen:
        v = st["versions"][str(i)] + 1
        st["versions"][str(i)] = v
        p = os.path.join(d, f"page-{i:04d}.html")
        tmp = p + ".tmp"
        with open(tmp, "w", encoding="utf-8") as fh:
            fh.write(render(i, v, st.get("nonce", 0)))
        os.replace(tmp, p)
    with open(os.path.join(d, "versions.json"), "w") as fh:
        json.dump(st, fh)
    return chosen


def noise(d, rnd):
    """Change only a head token on every page: new bytes/ETag, identical visible text."""
    with open(os.path.join(d, "versions.json")) as fh:
        st = json.load(fh)
    st["nonce"] = rnd
    for i in range(1, st["n"] + 1):
        p = os.path.join(d, f"page-{i:04d}.html")
        tmp = p + ".tmp"
        with open(tmp, "w", encoding="utf-8") as fh:
            fh.write(render(i, st["versions"][str(i)], rnd))
        os.replace(tmp, p)
    with open(os.path.join(d, "versions.json"), "w") as fh:
        json.dump(st, fh)


if __name__ == "__main__":
    if len(sys.argv) >= 4 and sys.argv[1] == "generate":
        generate(sys.argv[2], int(sys.argv[3]))
    elif len(sys.argv) >= 5 and sys.argv[1] == "mutate":
        print(" ".join(map(str, mutate(sys.argv[2], float(sys.argv[3]), int(sys.argv[4])))))
    elif len(sys.argv) >= 4 and sys.argv[1] == "noise":
        noise(sys.argv[2], int(sys.argv[3]))
    else:
        print(__doc__)
        sys.exit(2)
