"""Expand FNDDS recipes to their leaf ingredients and flag every food by what it contains.

Built once by `mealplan data build` (see data/SOURCES.md) from the FNDDS 2017-2018
Ingredients table and SR28 FOOD_DES/FD_GROUP. Writes three committed tables:

- `ingredient_classes.csv`: one row per distinct leaf ingredient (SR code or FNDDS-only
  code) with its SR food group and, per flag, `contains`, `may_contain` or empty, and the
  rule or reviewed override behind each flag (`ingredient_rules.py`,
  `ingredient_overrides.csv`);
- `food_ingredients.csv`: every food's leaf ingredients with their share of the recipe
  weight and the sub-recipe they come through;
- `food_flags.csv`: per food code, each flag at its strongest over all leaves, the
  ingredient that raised it, and the life-stage hazards (`hazards.py`).
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pandas as pd

from optimizer.errors import DataBuildError
from optimizer.ingredient_rules import DERIVED, FLAGS, NOTE, RANK, RULES, prepare

INGREDIENTS_FILE = "fndds-2017-2018/fndds_1718_ingredients.csv.xz"
FOOD_DES_FILE = "sr28-food-groups/FOOD_DES.txt.xz"
FD_GROUP_FILE = "sr28-food-groups/FD_GROUP.txt"
OVERRIDES_NAME = "ingredient_overrides.csv"
MAX_DEPTH = 10  # FNDDS nests sub-recipes up to 6 levels; deeper means a cycle
LEVELS = ("contains", "may_contain", "none")


def read_recipes(raw: Path) -> pd.DataFrame:
    """The FNDDS Ingredients table: one row per recipe line, codes as text."""
    path = Path(raw) / INGREDIENTS_FILE
    if not path.is_file():
        raise DataBuildError(f"{path}: raw file not found (is --raw right?)")
    t = pd.read_csv(path, encoding="utf-8-sig", dtype=str, keep_default_na=False)
    out = pd.DataFrame(
        {
            "food_code": t["Food code"].str.strip(),
            "food": t["Main food description"].str.strip(),
            "seq": t["Seq num"].astype(int),
            "code": t["Ingredient code"].str.strip(),
            "description": t["Ingredient description"].str.strip(),
            "weight_g": t["Ingredient weight (g)"].astype(float),
            "retention": t["Retention code"].astype(int),
        }
    )
    foods = set(out["food_code"])
    # SR NDB numbers are written without their leading zero (1077 = NDB 01077).
    out["code"] = [c if c in foods or len(c) > 5 else c.zfill(5) for c in out["code"]]
    return out.sort_values(["food_code", "seq"], ignore_index=True)


def read_sr_groups(raw: Path) -> pd.DataFrame:
    """SR28 food descriptions with their food group, indexed by 5-digit NDB number."""
    des_path, grp_path = Path(raw) / FOOD_DES_FILE, Path(raw) / FD_GROUP_FILE
    for p in (des_path, grp_path):
        if not p.is_file():
            raise DataBuildError(f"{p}: raw file not found (is --raw right?)")
    des, grp = _read_sr(des_path), _read_sr(grp_path)
    names = dict(zip(grp[0], grp[1], strict=True))
    return pd.DataFrame(
        {
            "sr_group_code": des[1].to_numpy(),
            "sr_group": des[1].map(names).to_numpy(),
            "sr_description": des[2].to_numpy(),
        },
        index=pd.Index(des[0].to_numpy(), name="code"),
    )


def _read_sr(path: Path) -> pd.DataFrame:
    """An SR28 table: '^'-separated, text fields in '~', every value as text."""
    return pd.read_csv(
        path,
        sep="^",
        quotechar="~",
        header=None,
        dtype=str,
        encoding="latin-1",
        keep_default_na=False,
    )


def expand_recipes(recipes: pd.DataFrame) -> pd.DataFrame:
    """Each food's leaf ingredients: share of recipe weight, the path, and cooking.

    `via` is the chain of sub-recipe food codes a leaf comes through ('' when it is a
    line of the food's own recipe); `uncooked` is True when no line on that path carries
    a USDA cooking retention code (retention code 0 all the way down).
    """
    by_food = {str(k): g for k, g in recipes.groupby("food_code", sort=True)}
    memo: dict[str, list[tuple[str, float, str, bool]]] = {}

    def leaves(code: str, depth: int) -> list[tuple[str, float, str, bool]]:
        if depth > MAX_DEPTH:
            raise DataBuildError(f"{INGREDIENTS_FILE}: recipe of {code} nests too deep")
        if code in memo:
            return memo[code]
        g = by_food[code]
        total = float(g["weight_g"].sum())
        out: list[tuple[str, float, str, bool]] = []
        for ic, w, ret in zip(g["code"], g["weight_g"], g["retention"], strict=True):
            share = w / total if total > 0 else 1.0 / len(g)
            if ic in by_food:
                for leaf, s, via, raw in leaves(ic, depth + 1):
                    path = ic + (">" + via if via else "")
                    out.append((leaf, share * s, path, raw and ret == 0))
            else:
                out.append((ic, share, "", ret == 0))
        memo[code] = out
        return out

    rows = [
        (food, leaf, share, via, raw)
        for food in by_food
        for leaf, share, via, raw in leaves(food, 0)
    ]
    frame = pd.DataFrame(rows, columns=["food_code", "ingredient_code", "share", "via", "uncooked"])
    agg = frame.groupby(["food_code", "ingredient_code", "via"], sort=True, as_index=False).agg(
        share=("share", "sum"), uncooked=("uncooked", "all")
    )
    return agg.sort_values(
        ["food_code", "share", "ingredient_code", "via"],
        ascending=[True, False, True, True],
        ignore_index=True,
    )


def leaf_table(recipes: pd.DataFrame, expanded: pd.DataFrame, sr: pd.DataFrame) -> pd.DataFrame:
    """Distinct leaf ingredients with description, SR group and how many foods use them."""
    desc = recipes.drop_duplicates("code").set_index("code")["description"]
    codes = sorted(expanded["ingredient_code"].unique())
    n_foods = expanded.groupby("ingredient_code")["food_code"].nunique()
    grp = sr["sr_group"].reindex(codes).fillna("FNDDS-only ingredient (no SR group)")
    return pd.DataFrame(
        {
            "description": desc.reindex(codes).to_numpy(),
            "sr_group_code": sr["sr_group_code"].reindex(codes).fillna("").to_numpy(),
            "sr_group": grp.to_numpy(),
            "n_foods": n_foods.reindex(codes).to_numpy(),
        },
        index=pd.Index(codes, name="ingredient_code"),
    )


def read_overrides(path: Path) -> pd.DataFrame:
    """The hand-reviewed overrides: ingredient_code, description, flag, level, reason."""
    if not Path(path).is_file():
        raise DataBuildError(f"{path}: overrides file not found")
    text = Path(path).read_text(encoding="utf-8")
    rows = list(csv.DictReader(io.StringIO(text)))
    need = ("ingredient_code", "description", "flag", "level", "reason")
    for i, r in enumerate(rows, start=2):
        missing = [k for k in need if not (r.get(k) or "").strip()]
        if missing:
            raise DataBuildError(f"{path} row {i}: empty {', '.join(missing)}")
        if r["flag"] not in FLAGS:
            raise DataBuildError(f"{path} row {i}: unknown flag '{r['flag']}'")
        if r["level"] not in LEVELS:
            raise DataBuildError(f"{path} row {i}: level must be one of {', '.join(LEVELS)}")
    return pd.DataFrame(rows, columns=list(need))


def classify(leaves: pd.DataFrame, overrides: pd.DataFrame) -> pd.DataFrame:
    """Flag every leaf ingredient by the rules, then apply the reviewed overrides."""
    level = {f: [""] * len(leaves) for f in FLAGS}
    why: list[list[str]] = [[] for _ in range(len(leaves))]
    for i, (raw_text, grp) in enumerate(
        zip(leaves["description"], leaves["sr_group_code"], strict=True)
    ):
        text = prepare(raw_text)
        hits: dict[str, tuple[str, str]] = {}
        for rule in RULES:
            if not rule.matches(text, grp):
                continue
            for f in rule.flags:
                if rule.level == NOTE:
                    hits.setdefault(f, ("", f"rule {rule.id}"))
                elif RANK[rule.level] > RANK[hits.get(f, ("", ""))[0]]:
                    hits[f] = (rule.level, f"rule {rule.id}")
        for f, (lvl, src) in hits.items():
            level[f][i] = lvl
            why[i].append(f"{f}={lvl or 'no'} ({src})")
    pos = {c: i for i, c in enumerate(leaves.index)}
    for r in overrides.to_dict("records"):  # read_overrides: every value a str
        if r["ingredient_code"] not in pos:
            raise DataBuildError(
                f"{OVERRIDES_NAME}: ingredient {r['ingredient_code']} is in no FNDDS recipe"
            )
        i = pos[r["ingredient_code"]]
        description = str(leaves["description"].iloc[i])
        if _norm(description) != _norm(r["description"]):
            raise DataBuildError(
                f"{OVERRIDES_NAME}: ingredient {r['ingredient_code']} is "
                f"'{description}', not '{r['description']}'"
            )
        new = "" if r["level"] == "none" else r["level"]
        level[r["flag"]][i] = new
        why[i] = [w for w in why[i] if not w.startswith(f"{r['flag']}=")]
        why[i].append(f"{r['flag']}={new or 'no'} (reviewed: {r['reason']})")
    out = leaves.copy()
    for f in FLAGS:
        out[f] = level[f]
    for flag, sources, cap, reason in DERIVED:
        col = out.columns.get_loc(flag)
        assert isinstance(col, int)  # the column names are unique
        for i in range(len(out)):
            src = max((out[s].iloc[i] for s in sources), key=RANK.__getitem__)
            src = min(src, cap, key=RANK.__getitem__)
            if RANK[src] > RANK[out[flag].iloc[i]]:
                out.iat[i, col] = src
                why[i] = [w for w in why[i] if not w.startswith(f"{flag}=")]
                why[i].append(f"{flag}={src} (derived: {reason})")
    out["reasons"] = ["; ".join(sorted(w, key=_flag_order)) for w in why]
    return out


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().lower()


def _flag_order(reason: str) -> int:
    return FLAGS.index(reason.split("=", 1)[0])


def name_table(foods: pd.DataFrame) -> pd.DataFrame:
    """Food descriptions as pseudo-ingredients, so the rules read the food's own name too.

    FNDDS often computes a food from one stand-in SR ingredient ("Licorice" from
    jellybeans, "Almonds, honey roasted" from almonds and sugar): the name then says what
    the recipe does not.
    """
    return pd.DataFrame(
        {
            "description": foods["description"].to_numpy(),
            "sr_group_code": "",
            "sr_group": "FNDDS food description",
            "n_foods": 1,
        },
        index=pd.Index(foods["food_code"].to_numpy(), name="ingredient_code"),
    )


def food_flags(
    expanded: pd.DataFrame, classes: pd.DataFrame, names: pd.DataFrame
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Per food: each flag at its strongest over the leaves and the food's own name, and
    the leaf (or name) that raised it; also the name rows that raise a flag above the
    leaves (the ones that matter, for review)."""
    by_leaves = _strongest(expanded, classes)
    own = names.reindex(by_leaves.index)
    raises = pd.Series(False, index=own.index)
    for f in FLAGS:
        raises |= own[f].map(RANK) > by_leaves[f].map(RANK)
    name_rows = pd.DataFrame(
        {
            "food_code": own.index[raises],
            "ingredient_code": own.index[raises],
            "via": "",
            "share": 0.0,  # a real ingredient is named first when it raises the same level
        }
    )
    own_names = names[names.index.isin(name_rows["food_code"])].copy()
    own_names["description"] = "its name: " + own_names["description"]
    flags = _strongest(
        pd.concat([expanded, name_rows], ignore_index=True),
        pd.concat([classes, own_names]),
    )
    return flags, own[raises]


def _strongest(expanded: pd.DataFrame, classes: pd.DataFrame) -> pd.DataFrame:
    e = expanded.join(classes[list(FLAGS) + ["description"]], on="ingredient_code")
    out = pd.DataFrame(index=pd.Index(sorted(e["food_code"].unique()), name="food_code"))
    for f in FLAGS:
        hit = e[e[f] != ""].copy()
        hit["rank"] = hit[f].map(RANK)
        # strongest level first, then the largest share, then the code (deterministic)
        hit = hit.sort_values(
            ["food_code", "rank", "share", "ingredient_code"], ascending=[True, False, False, True]
        ).drop_duplicates("food_code")
        hit = hit.set_index("food_code")
        out[f] = hit[f].reindex(out.index).fillna("")
        out[f"{f}_ingredient"] = hit["description"].reindex(out.index).fillna("")
    return out


def write_tables(
    out_dir: Path,
    classes: pd.DataFrame,
    names: pd.DataFrame,
    expanded: pd.DataFrame,
    flags: pd.DataFrame,
) -> None:
    """Write the committed tables (deterministic bytes)."""
    from optimizer.fileio import write_atomic

    cls = classes.reset_index()
    write_atomic(out_dir / "ingredient_classes.csv", cls.to_csv(index=False, lineterminator="\n"))
    nm = names.drop(columns=["sr_group_code", "sr_group", "n_foods"])
    nm = nm.rename_axis("food_code").reset_index()
    write_atomic(out_dir / "food_name_classes.csv", nm.to_csv(index=False, lineterminator="\n"))
    fi = expanded[["food_code", "ingredient_code", "share", "via"]].copy()
    fi["share_pct"] = (fi.pop("share") * 100).round(4)
    write_atomic(out_dir / "food_ingredients.csv", fi.to_csv(index=False, lineterminator="\n"))
    write_atomic(
        out_dir / "food_flags.csv", flags.reset_index().to_csv(index=False, lineterminator="\n")
    )


def build_ingredient_tables(raw: Path, out_dir: Path, foods: pd.DataFrame, overrides: Path) -> dict:
    """Build and write the three ingredient tables for the foods of `foods` (by food code)."""
    from optimizer.hazards import food_hazards

    recipes = read_recipes(raw)
    expanded = expand_recipes(recipes)
    leaves = leaf_table(recipes, expanded, read_sr_groups(raw))
    ov = read_overrides(overrides)
    by_food = ov["ingredient_code"].str.len() == 8  # a food code: the food's own name
    classes = classify(leaves, ov[~by_food])
    names = classify(name_table(foods), ov[by_food])
    codes = foods.set_index("food_code")
    expanded = expanded[expanded["food_code"].isin(codes.index)].reset_index(drop=True)
    missing = codes.index.difference(pd.Index(expanded["food_code"].unique()))
    if len(missing):
        raise DataBuildError(f"{INGREDIENTS_FILE}: no recipe for food codes {list(missing)[:5]}")
    flags, raised = food_flags(expanded, classes, names)
    with_desc = expanded.join(classes["description"], on="ingredient_code")
    hazards = food_hazards(codes[["description", "wweia_category"]], flags, with_desc)
    flags = flags.join(hazards)
    write_tables(out_dir, classes, raised, expanded, flags)
    may = (classes[list(FLAGS)] == "may_contain").any(axis=1)
    return {
        "ingredients": len(classes),
        "may_contain_ingredients": int(may.sum()),
        "overrides": len(ov),
        "name_flagged_foods": len(raised),
        "flagged_foods": len(flags),
    }


def recipe_of(table_dir: Path, code: str) -> pd.DataFrame | None:
    """One food's expanded recipe from the tables beside a food table (None: no tables).

    Columns: ingredient_code, description, share_pct, via (sub-recipe food codes), and
    each flag.
    """
    fi_path, cls_path = (
        Path(table_dir) / "food_ingredients.csv",
        Path(table_dir) / "ingredient_classes.csv",
    )
    if not (fi_path.is_file() and cls_path.is_file()):
        return None
    fi = pd.read_csv(fi_path, dtype=str, keep_default_na=False)
    rows = fi[fi["food_code"] == code].copy()
    if rows.empty:
        return None
    cls = pd.read_csv(cls_path, dtype=str, keep_default_na=False).set_index("ingredient_code")
    rows = rows.join(cls[["description"] + list(FLAGS)], on="ingredient_code")
    rows["share_pct"] = rows["share_pct"].astype(float)
    return rows.drop(columns="food_code").reset_index(drop=True)
