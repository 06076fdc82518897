"""The rules that classify an FNDDS recipe ingredient by allergen, gluten and animal origin.

Each rule reads the ingredient's description (and its SR food group) and raises one or
more flags to `contains` or `may_contain`. A rule never lowers a flag; the hand-reviewed
`data/ingredient_overrides.csv` then sets what the rules get wrong, with a reason per row.
The rules are deliberately conservative: a commercial product whose contents SR does not
itemise gets `may_contain` for what such products commonly hold.

Flags: the 9 major U.S. food allergens (FALCPA 2004 and the FASTER Act 2021: milk, egg,
fish, crustacean shellfish, tree nuts, peanuts, wheat, soybeans, sesame), gluten (wheat,
barley, rye, malt; oats may contain), and animal origin (meat of any mammal, pork, beef,
poultry, honey, gelatin, non-dairy animal fats, insect-derived). Milk, egg, fish and
shellfish double as the animal-origin flags for dairy, eggs and seafood. Molluscs (clams,
oysters, squid) are not FALCPA allergens; they are `may_contain` under `shellfish`, so a
shellfish allergy (and every vegetarian diet) excludes them.

Derived after the rules and overrides (`DERIVED`): gluten follows wheat; meat follows
pork and beef; gelatin makes pork and beef (so meat) `may_contain`.

How a rule matches: phrases matching `ignore` are erased from the description first
(false friends such as 'peanut butter' for butter or 'water chestnut' for chestnut), then
`pattern` must match; `unless` vetoes the rule for the whole description; `groups`
limits it to ingredients of those SR food groups.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

CONTAINS = "contains"
MAY = "may_contain"
NOTE = "note"  # a rule that only records why a flag is NOT raised (refined soybean oil)
RANK = {"": 0, MAY: 1, CONTAINS: 2}

ALLERGEN_FLAGS = (
    "milk",
    "egg",
    "fish",
    "shellfish",
    "tree_nuts",
    "peanuts",
    "wheat",
    "soy",
    "sesame",
)
FLAGS = ALLERGEN_FLAGS + (
    "gluten",
    "meat",
    "pork",
    "beef",
    "poultry",
    "honey",
    "gelatin",
    "animal_fat",
    "insect",
)
# (flag raised, from flags, at most, why): applied after rules and overrides, in order.
_GELATIN = "gelatin is made from pork skin or beef hides and bones"
DERIVED = (
    ("gluten", ("wheat",), "contains", "wheat contains gluten"),
    ("pork", ("gelatin",), "may_contain", _GELATIN),
    ("beef", ("gelatin",), "may_contain", _GELATIN),
    ("meat", ("pork", "beef"), "contains", "pork and beef are meat"),
)

# SR28 food groups (FD_GROUP codes).
DAIRY_EGG, BABY, POULTRY, SOUPS, CEREALS = "0100", "0300", "0500", "0600", "0800"
PORK, BEEF, SEAFOOD, LAMB_GAME, BAKED, SWEETS = "1000", "1300", "1500", "1700", "1800", "1900"
FAST_FOOD, MEALS, SNACKS, RESTAURANT = "2100", "2200", "2500", "3600"
PREPARED = (FAST_FOOD, MEALS, RESTAURANT)
CONFECTIONS = (SWEETS, BAKED, CEREALS, SNACKS)

_NOT_MEAT = (
    r"meatless|vegetarian|veggie|meat substitute|imitation (?:bacon|sausage)|soy-based|"
    r"without meat|no meat"
)
# Poultry named and no mammal: "Frankfurter, chicken", "Sausage, turkey", "Chicken liver".
_POULTRY_ONLY = (
    r"^(?!.*\b(?:pork|beef|veal|lamb|meat and poultry|meat, poultry)\b)"
    r".*\b(?:turkey|chicken|poultry|duck|goose|hen|quail|pheasant|ostrich|dove|squab)\b"
)
_NUT_BUTTERS = r"(?:peanut|almond|cashew|sesame|nut|apple|cocoa|shea|seed|sunflower) butter"
_OTHER_FLOURS = (
    r"(?:peanut|almond|coconut|soy|rice|corn|potato|chickpea|buckwheat|rye|oat|tapioca|"
    r"cassava|teff|sorghum|millet|quinoa|amaranth|arrowroot|carob|banana|nut|masa) flour|"
    r"flour, (?:rice|corn|soy)"
)


@dataclass(frozen=True)
class Rule:
    """Raise `flags` to `level` when `pattern` matches (see the module docstring)."""

    id: str
    flags: tuple[str, ...]
    level: str
    pattern: str
    why: str
    ignore: str = ""
    unless: str = ""
    groups: tuple[str, ...] = ()

    def matches(self, text: str, group: str) -> bool:
        """Whether the rule fires on `text` (already passed through `prepare`)."""
        if self.groups and group not in self.groups:
            return False
        if self.unless and re.search(self.unless, text, re.I):
            return False
        if self.ignore:
            text = re.sub(self.ignore, " ", text, flags=re.I)
        return re.search(self.pattern, text, re.I) is not None


# "not cream or meringue", "without meat", "other than pepperoni", "no bun": what a
# description says a food does not hold is removed before any rule reads it.
_NEGATION = re.compile(
    r"\b(?:not|no|without|excluding|except|other than)\s+[\w-]+(?:\s+(?:or|and)\s+[\w-]+)?",
    re.I,
)


def prepare(text: str) -> str:
    """The description as the rules read it: negated phrases removed."""
    return _NEGATION.sub(" ", text)


R = Rule
RULES: tuple[Rule, ...] = (
    # --- milk ------------------------------------------------------------------------
    R(
        "dairy_group",
        ("milk",),
        CONTAINS,
        r".",
        "SR group Dairy and Egg Products (not an egg, egg substitute or imitation)",
        unless=r"^egg|, egg|substitute|imitation|dessert topping|whipped topping|"
        r"^nutritional supplement",
        groups=(DAIRY_EGG,),
    ),
    R(
        "milk_words",
        ("milk",),
        CONTAINS,
        r"\b(?:milk|milks|milkfat|buttermilk|butter|buttered|butterfat|cheese|cheeses|"
        r"cheddar|mozzarella|parmesan|provolone|ricotta|romano|cream|creamed|yogurts?|"
        r"yoghurt|whey|casein|caseinate|lactose|ghee|kefir|custard|puddings?|ice creams?|"
        r"ice milk|gelato|sherbets?|fudgsicle|shakes?|milkshakes?|malted milk|latte|"
        r"cappuccino|eggnog|dulce de leche|queso|paneer|alfredo|lassi|half and half|"
        r"sour cream|cheesecake|au gratin|scalloped|white sauce|bechamel|cheeseburgers?|"
        r"stroganoff|chowder)\b",
        "names a dairy food (milk, butter, cheese, cream, yogurt, whey, casein ...)",
        ignore=r"coconut (?:milk|cream|water)|(?:soy|soya|almond|rice|oat|cashew|hemp|flax)"
        r"\s?(?:milk|beverage|yogurt|cheese)|soymilk|" + _NUT_BUTTERS + r"|butternut|"
        r"butter ?beans?|butterbur|butterhead|cream of (?:tartar|wheat|rice)|cream soda|"
        r"cream[- ]style|creamed corn|milkfish|tofu yogurt|bread and butter pickles|"
        r"manhattan style|chowder, manhattan|goat'?s milk|head ?cheese|curd cheese|"
        r"yogurt, (?:soy|coconut milk)|corn, creamed|fruit butter|rice, cream of|cream of rye|"
        r"wheat, cream of",
        unless=r"cream substitute|non-?dairy|imitation|dessert topping|whipped topping|"
        r"^soymilk|\bvegan\b",
    ),
    R(
        "milk_maybe",
        ("milk",),
        MAY,
        r"\b(?:caramels?|butterscotch|toffee|nougat|fudge|chocolate|creamy|cream substitute|"
        r"creamer|whitener|mocha|non-?dairy|imitation cheese|dessert topping|"
        r"whipped topping|margarine|margarine-like|frosting|icing|sour cream, imitation)\b",
        "commonly made with milk, butter, whey or caseinate (chocolate, caramel, creamers, "
        "whipped toppings, margarines, frostings); contents not itemised",
        ignore=_NUT_BUTTERS,
        unless=r"^soymilk|sandwich spread|unsweetened|cocoa, dry powder|soft drink|\bvegan\b|"
        r"(?:soy|almond|rice|oat|coconut|cashew) ?milk|non-?dairy milk|milk, non-?dairy",
    ),
    R(
        "dairy_colour",
        ("insect",),
        MAY,
        r"strawberr|raspberr|cherr|\bred\b|pink|fruit",
        "pink and red dairy foods are often coloured with carmine; contents not itemised",
        groups=(DAIRY_EGG,),
    ),
    R(
        "flavoured_yogurt",
        ("gelatin",),
        MAY,
        r"^yogurt, (?!.*plain)",
        "many flavoured non-Greek yogurts are thickened with gelatin; contents not itemised",
        unless=r"greek",
    ),
    R(
        "formula_milk",
        ("milk",),
        CONTAINS,
        r"(?:infant|child|toddler) formula|formula, (?:infant|baby)|pediasure|enfagrow",
        "infant and child formulas are made from cow's milk protein (hydrolysed casein "
        "included) unless soy- or amino-acid-based",
        unless=r"\bsoy\b|isomil|prosobee|\baa\b|puramino|elecare|neocate",
    ),
    # --- egg -------------------------------------------------------------------------
    R(
        "egg_words",
        ("egg",),
        CONTAINS,
        r"\b(?:egg|eggs|yolk|yolks|albumen|meringues?|mayonnaise|mayo|eggnog|custard|"
        r"french toast|angel ?food|hollandaise|aioli|ladyfingers|popovers?|cream puffs?|"
        r"eclairs?|brioche|challah|flan|quiche|souffle|crepes?|egg noodles?|"
        r"egg substitute)\b",
        "names egg or a food made with egg (mayonnaise, custard, meringue, egg noodles ...)",
        ignore=r"eggplant|egg-?free|eggless|easter egg",
        unless=r"mayonnaise, imitation|imitation, soybean|\bvegan\b",
    ),
    R(
        "egg_maybe",
        ("egg",),
        MAY,
        r"\b(?:ice creams?|frozen custard|gelato|frozen dessert|pasta, fresh|"
        r"chow mein|wonton wrappers?|egg rolls?|marshmallows?|nougat)\b",
        "commonly made with egg yolk or egg white; contents not itemised",
    ),
    # --- fish ------------------------------------------------------------------------
    R(
        "fish_group",
        ("fish",),
        CONTAINS,
        r".",
        "SR group Finfish and Shellfish Products (a finfish)",
        unless=r"^crustaceans|^mollusks|shrimp|crab|lobster|crayfish|clam|oyster|scallop|"
        r"mussel|squid|octopus|snail|whelk|abalone|conch|^frog|^turtle",
        groups=(SEAFOOD,),
    ),
    R(
        "fish_words",
        ("fish",),
        CONTAINS,
        r"\b(?:fish|anchov\w*|salmon|tuna|cod|codfish|sardines?|mackerel|herring|trout|"
        r"tilapia|catfish|pollock|haddock|halibut|flounder|sole|bass|snapper|perch|pike|"
        r"carp|whitefish|swordfish|shark|mahi|mahimahi|roe|caviar|surimi|bonito|dashi|"
        r"worcestershire|lox|eel|whiting|smelt|grouper|orange roughy|pompano|porgy|"
        r"croaker|mullet|sturgeon|tilefish|marlin)\b",
        "names a fish, or a product made with fish (Worcestershire sauce has anchovy)",
        ignore=r"shellfish|goldfish|swedish fish|fish-shaped|jellyfish|cape cod",
    ),
    R(
        "seafood",
        ("fish", "shellfish"),
        MAY,
        r"\bseafood\b",
        "seafood of unstated kind: fish or shellfish",
    ),
    R(
        "fish_maybe",
        ("fish",),
        MAY,
        r"\b(?:caesar|kimchi|curry paste|pad thai|nuoc mam|bouillabaisse|paella)\b",
        "commonly made with anchovy, fish sauce or seafood; contents not itemised",
    ),
    # --- shellfish -------------------------------------------------------------------
    R(
        "crustacean",
        ("shellfish",),
        CONTAINS,
        r"\b(?:crustaceans?|shrimp|shrimps|prawns?|crabs?|lobsters?|crayfish|crawfish|"
        r"langostinos?|krill|scampi)\b",
        "a crustacean (FALCPA major allergen 'crustacean shellfish')",
        ignore=r"crab ?apples?|crabapples?",
    ),
    R(
        "mollusc",
        ("shellfish",),
        MAY,
        r"\b(?:mollusks?|molluscs?|clams?|oysters?|scallops?|mussels?|squid|calamari|"
        r"octopus|snails?|escargots?|whelks?|conch|abalone|cuttlefish)\b",
        "a mollusc: not a FALCPA allergen, but excluded for shellfish allergy and every "
        "vegetarian diet",
        ignore=r"oyster crackers?|crackers, oyster|includes oyster, soda|oyster mushrooms?|"
        r"oyster plant",
    ),
    # --- nuts ------------------------------------------------------------------------
    R(
        "tree_nut",
        ("tree_nuts",),
        CONTAINS,
        r"\b(?:almonds?|brazil ?nuts?|brazilnuts|cashews?|chestnuts?|hazelnuts?|filberts?|"
        r"macadamias?|pecans?|pine nuts?|pignolias?|pistachios?|walnuts?|praline|marzipan|"
        r"nutella|gianduja|frangipane|hickory ?nuts?|beechnuts?)\b",
        "a tree nut (FALCPA)",
        ignore=r"water ?chestnuts?|chestnuts?, chinese, water",
    ),
    R(
        "nut_generic",
        ("tree_nuts", "peanuts"),
        MAY,
        r"\b(?:nut|nuts|mixed nuts|trail mix|nut butter)\b",
        "names nuts without saying which",
        ignore=r"nutmeg|doughnuts?|donuts?|butternut|water ?chestnuts?|grape-?nuts|"
        r"(?:soy|corn) ?nuts?|soy nut butter",
        unless=r"almond|cashew|pecan|walnut|pistachio|macadamia|hazelnut|filbert|pine nut|"
        r"brazil|chestnut|peanut|coconut",
    ),
    R(
        "coconut",
        ("tree_nuts",),
        MAY,
        r"\bcoconut",
        "coconut: FDA listed it as a tree nut until its 2025 guidance; kept as 'may contain' "
        "for tree-nut allergy",
    ),
    R(
        "peanut",
        ("peanuts",),
        CONTAINS,
        r"\b(?:peanuts?|goobers?|arachis)\b",
        "peanut (FALCPA)",
        ignore=r"without peanuts",
    ),
    # --- wheat and gluten ------------------------------------------------------------
    R(
        "wheat_words",
        ("wheat",),
        CONTAINS,
        r"\b(?:wheat|flour|semolina|durum|farina|bulgur|bulghur|couscous|seitan|spelt|"
        r"kamut|farro|triticale|graham|bread|breads|breadcrumbs|bread crumbs|breadsticks?|"
        r"bun|buns|rolls?|bagels?|pasta|macaroni|spaghetti|noodles?|lasagna|ravioli|"
        r"tortellini|gnocchi|crackers?|pretzels?|cakes?|cupcakes?|cookies?|pie|pies|"
        r"piecrust|pastry|pastries|croissants?|muffins?|biscuits?|pancakes?|waffles?|"
        r"doughnuts?|donuts?|croutons?|stuffing|breaded|breading|batter|wontons?|"
        r"dumplings?|pizza|crust|brownies?|danish|strudel|turnovers?|phyllo|filo|matzo|"
        r"matzoh|pitas?|crepes?|licorice|soy sauce|shoyu|teriyaki|gluten|ramen|udon|soba|"
        r"dough|orzo|chow mein|lo mein|sopaipillas?|churros?|empanadas?|fortune|wafers?|"
        r"(?:ice cream|waffle|sugar) cones?|cones?, (?:cake|sugar|wafer)|"
        r"pop-?tarts|toaster pastr\w*|shredded wheat|wheaties|bran flakes|cheez-it|"
        r"goldfish|ladyfingers|focaccia|cream puffs?|eclairs?|toast|sandwich|sandwiches|"
        r"vermicelli|hot pockets?|lean pockets?|burritos?|quesadillas?|hush puppies|"
        r"corn ?dogs?|cobblers?)\b",
        "wheat, or a food made with wheat flour (bread, pasta, crackers, cakes, soy sauce "
        "brewed with wheat ...)",
        ignore=_OTHER_FLOURS + r"|cornmeal|rice noodles?|noodles, rice|cellophane|"
        r"bean threads?|rice cakes?|rice crackers?|corn tortillas?|tapioca|pie fillings?|"
        r"fruit leather|fruit rolls?|candy rolls|pumpkin pie spice|cornstarch|corn cakes|"
        r"popcorn,? cakes|fish cakes?|cakes?, fish|crab cakes?|potato pancakes?|"
        r"buckwheat groats|sweet potato|sauce, pasta|pasta sauce|spaghetti sauce|"
        r"spaghetti squash|squash, .*spaghetti|syrups?|sandwich spread|not breaded|"
        r"bread and butter pickles|vermicelli, made from soy|rice biscuits|"
        r"for use on a sandwich|crackers, rice|popcorn cake|bread, rice|flavored roll|"
        r"sushi rolls?|for sandwich(?:es)?|sandwich steak|pork roll|chicken roll|"
        r"cabbage rolls?|^topping from",
        unless=r"gluten-? ?free|cellophane|mung beans|^rice cake|rice crackers?|fruit leather|"
        r"fruit rolls?|candy rolls|syrups?\b|rice biscuits|^snow cone|"
        r"made with (?:glutinous )?rice(?! cereal)|rice flour|cassava bread|casabe|\bvada\b",
    ),
    R(
        "wheat_maybe",
        ("wheat",),
        MAY,
        r"\b(?:hoisin|hydrolyzed vegetable protein|hydrolyzed protein|tamari|gravy|coated|"
        r"tenders|soft taco|imitation crab|surimi|fish sticks?|nuggets?|patties|cornbread|"
        r"crab cakes?|fish cakes?|potato pancakes?)\b",
        "commonly thickened, coated or brewed with wheat; contents not itemised",
        unless=r"chocolate|candies|candy|yogurt|sugar-coated|fondant|carob|gluten-? ?free",
    ),
    R(
        "gluten_grains",
        ("gluten",),
        CONTAINS,
        r"\b(?:barley|rye|pumpernickel|malt|malted|malts|beer|ale|lager|stout|ovaltine|"
        r"postum)\b",
        "barley, rye or malt (gluten; not wheat)",
        ignore=r"maltodextrin|maltitol|maltose|root beer|ginger ale|malt-o-meal",
        unless=r"gluten-? ?free",
    ),
    R(
        "malt_o_meal",
        ("gluten",),
        MAY,
        r"malt-o-meal",
        "MALT-O-MEAL is a brand name; its cereals often (not always) contain malt",
    ),
    R(
        "oats",
        ("gluten",),
        MAY,
        r"\b(?:oat|oats|oatmeal|granola|muesli)\b",
        "oats: usually contaminated with wheat or barley unless labelled gluten-free",
        unless=r"gluten-? ?free",
    ),
    R(
        "rte_cereal",
        ("gluten",),
        MAY,
        r"ready-to-eat",
        "ready-to-eat cereals commonly contain malt flavouring (barley), oats or wheat",
        groups=(CEREALS,),
    ),
    # --- soy -------------------------------------------------------------------------
    R(
        "soy_words",
        ("soy",),
        CONTAINS,
        r"\b(?:soy|soya|soybeans?|soymilk|tofu|tempeh|miso|edamame|natto|okara|yuba|"
        r"textured vegetable protein|soy protein|teriyaki|shoyu|tamari|hoisin)\b",
        "soybeans or a soy food (tofu, soy sauce, miso, soy protein ...)",
        unless=r"^oil,|^shortening|oil, .*soy|soybean oil|oil, soybean|mayonnaise|"
        r"salad dressing",
    ),
    R(
        "soy_oil_note",
        ("soy",),
        NOTE,
        r"\b(?:oil|shortening)\b.*\bsoy|\bsoy\w*\b.*\b(?:oil|shortening)\b",
        "highly refined soybean oil is not a major food allergen (FALCPA, 21 U.S.C. "
        "321(qq)(2)(A)); not flagged",
    ),
    R(
        "soy_maybe",
        ("soy",),
        MAY,
        r"\b(?:lecithin|margarine|margarine-like|meatless|veggie|meat substitute|"
        r"vegetarian (?:burger|patty|patties|fillets?|sausage|meatloaf|chili|bacon|chicken|"
        r"hot dog|meat)|imitation cheese|sour cream, imitation|cream substitute|creamer|"
        r"whitener|non-?dairy|vegetable protein|protein (?:bar|powder|supplement|drink|shake)|"
        r"nutrition(?:al)? (?:bar|supplement|shake|drink)|frosting|icing|cooking spray)\b",
        "commonly made with soy lecithin, soy protein or soy flour; contents not itemised",
        ignore=_NUT_BUTTERS,
    ),
    R(
        "soy_chocolate",
        ("soy",),
        MAY,
        r"\bchocolate|\bcandies|\bcandy\b|\bfudge|\bcaramel",
        "chocolate and candies are usually made with soy lecithin; contents not itemised",
        unless=r"unsweetened|cocoa, dry powder|hard candy|candies, hard",
        groups=CONFECTIONS,
    ),
    R(
        "formula_soy",
        ("soy",),
        CONTAINS,
        r"(?:formula|enfagrow).*(?:\bsoy\b|isomil|prosobee)",
        "soy-based infant formula",
    ),
    # --- sesame ----------------------------------------------------------------------
    R(
        "sesame",
        ("sesame",),
        CONTAINS,
        r"\b(?:sesame|tahini|tahina|benne|hummus|houmous|humus|halvah?|gomashio|za'?atar)\b",
        "sesame (FASTER Act 2021) or a sesame food (tahini, hummus, halva)",
    ),
    R(
        "bread_sesame",
        ("sesame",),
        MAY,
        r"rolls?, hamburger|hot ?dog|hamburger|cheeseburger|burger|rolls?, hard|kaiser|"
        r"bagels?|breadsticks?|multi-?grain|seeded|submarine",
        "buns, rolls, bagels and multigrain breads are often topped or made with sesame",
        unless=r"pasta mix",
        groups=(BAKED,) + PREPARED,
    ),
    # --- commercial and prepared foods ---------------------------------------------------
    R(
        "dry_bouillon",
        ("wheat", "soy", "milk"),
        MAY,
        r"bouillon.*(?:dry|powder|cubes|granules)|(?:dry|powder|cubes|granules).*bouillon",
        "dry bouillon is often made with wheat, hydrolyzed soy protein or lactose",
    ),
    R(
        "commercial_soup",
        ("wheat", "milk", "soy"),
        MAY,
        r"^soup,|^campbell|soup,.*canned|soup$",
        "a commercial soup: often thickened with wheat flour and made with cream, cheese or "
        "soy protein; contents not itemised",
        unless=r"home-prepared|broth|bouillon|stock",
        groups=(SOUPS,),
    ),
    R(
        "commercial_soup_stock",
        ("meat", "pork", "beef", "poultry"),
        MAY,
        r"^soup,|^campbell|soup,.*canned|soup$",
        "a commercial soup: its stock (beef, chicken, ham) is not itemised",
        unless=r"home-prepared|vegetarian|vegetable broth|broth, vegetable|fish|"
        r"\b(?:beef|chicken|pork|ham|turkey)\b",
        groups=(SOUPS,),
    ),
    R(
        "baked_goods",
        ("milk", "egg", "soy"),
        MAY,
        r".",
        "a commercial baked product: commonly made with milk or whey, egg, and soy flour or "
        "soy lecithin; contents not itemised",
        unless=r"^leavening",
        groups=(BAKED,),
    ),
    R(
        "prepared_food",
        ("milk", "egg", "wheat", "soy"),
        MAY,
        r".",
        "a fast-food, restaurant or packaged prepared food: sauces, breads, batters and shared "
        "fryers commonly add milk, egg, wheat and soy; contents not itemised",
        groups=PREPARED,
    ),
    R(
        "pizza",
        ("milk",),
        MAY,
        r"\bpizza",
        "pizza is usually topped with cheese",
        unless=r"without cheese|no cheese|cheeseless|pizza sauce",
    ),
    R(
        "lard_doughs",
        ("pork", "animal_fat"),
        MAY,
        r"^pie\b|pie crust|pot pie|fried pies|tamales?|refried|pupusas?|tortillas?, .*flour|"
        r"flour tortillas?|biscuits?,.*(?:refrigerated|dry mix)|empanadas?",
        "pie crusts, tamales, refried beans, flour tortillas and biscuits are often made with lard",
        unless=r"cookie-type|graham|pie fillings?|vegetarian|fat-free|wafer|cookie",
    ),
    R(
        "meat_analog",
        ("egg", "milk", "wheat", "soy"),
        MAY,
        r"meatless|vegetarian (?:fillets?|meatloaf|patties|burger)|veggie burgers?|"
        r"soyburgers?|meat substitute",
        "meat substitutes often contain egg white, milk, wheat gluten and soy protein",
    ),
    R(
        "chinese_restaurant",
        ("soy", "wheat", "sesame", "shellfish", "egg", "poultry"),
        MAY,
        r"chinese restaurant|^restaurant, chinese",
        "Chinese restaurant dishes commonly use soy sauce (wheat), sesame oil, oyster sauce, "
        "egg and chicken stock; contents not itemised",
    ),
    R(
        "wine_fining",
        ("egg", "milk", "fish", "gelatin"),
        MAY,
        r"\bwines?\b",
        "wine may be fined with egg white, casein, isinglass (fish) or gelatin",
        unless=r"vinegar|non-?alcoholic",
    ),
    # --- meat, poultry, animal fats ---------------------------------------------------
    R("beef_group", ("beef",), CONTAINS, r".", "SR group Beef Products", groups=(BEEF,)),
    R("pork_group", ("pork",), CONTAINS, r".", "SR group Pork Products", groups=(PORK,)),
    R(
        "lamb_game_group",
        ("meat",),
        CONTAINS,
        r".",
        "SR group Lamb, Veal, and Game Products",
        groups=(LAMB_GAME,),
    ),
    R(
        "poultry_group",
        ("poultry",),
        CONTAINS,
        r".",
        "SR group Poultry Products",
        groups=(POULTRY,),
    ),
    R(
        "beef_words",
        ("beef",),
        CONTAINS,
        r"\b(?:beef|veal|steak|steaks|hamburgers?|cheeseburgers?|burgers?|corned|pastrami|"
        r"brisket|oxtail|tripe|sirloin|tallow|suet|jerky|roast beef|calf|calves)\b",
        "beef or veal (cattle)",
        ignore=r"beefsteak tomato|steak sauce|sauce, steak|rolls?, hamburger|roll, .*bun|"
        r"hamburger or hot ?dog|\bbuns?\b|turkey (?:jerky|burger)|chicken burger|fish burger",
        unless=r"^rolls?\b|"
        + _NOT_MEAT
        + r"|^lamb|^game meat|^pork|flavor|pasta mix|venison|deer|elk|bison|"
        r"turkey jerky|pork jerky",
    ),
    R(
        "pork_words",
        ("pork",),
        CONTAINS,
        r"\b(?:pork|ham|hams|bacon|lard|prosciutto|pancetta|scrapple|chitterlings|"
        r"cracklings?|fatback|fat back|salt pork|ham hocks?|chorizo|pepperoni|guanciale|capicola|"
        r"mortadella|souse|head ?cheese|carnitas)\b",
        "pork (pig)",
        ignore=r"turkey ham|ham, turkey|turkey bacon|bacon, turkey|chicken ham|beef,? bacon",
        unless=_NOT_MEAT + r"|flavou?r",
    ),
    R(
        "meat_words",
        ("meat",),
        CONTAINS,
        r"\b(?:meat|meats|meatballs?|meatloaf|lamb|mutton|goat|venison|bison|buffalo|elk|"
        r"moose|rabbit|deer|boar|caribou|antelope|squirrel|beaver|opossum|raccoon|muskrat|"
        r"seal|whale|walrus|bear|horse|frog|frogs|alligator|turtle|sweetbreads|brains|tripe|"
        r"oxtail|marrow|carne)\b",
        "meat (a mammal, or frog, alligator or turtle)",
        ignore=r"buffalo wings?|buffalo sauce|bear claws?|coconut meat|goat'?s? milk|milk, goat|"
        r"crab ?meat|"
        r"goat cheese|cheese, goat|black turtle|turtle beans|nuts?, .*meat|"
        r"meats?, .*substitute",
        unless=_NOT_MEAT + "|" + _POULTRY_ONLY,
    ),
    R(
        "sausage_words",
        ("meat",),
        CONTAINS,
        r"\b(?:salami|bologna|frankfurters?|franks?|hot ?dogs?|wieners?|sausages?|bratwurst|"
        r"kielbasa|knockwurst|luncheon meat|luncheon|lunchmeat|liverwurst|braunschweiger|"
        r"pate|liver|kidneys?|tongue|gizzards?|giblets|organ|cold cuts?|corn ?dogs?)\b",
        "sausage, luncheon meat or offal of a mammal",
        ignore=r"kidney beans?|beans, kidney|rolls?, hamburger|hamburger or hot ?dog|"
        r"\bbuns?\b",
        unless=r"^rolls?\b|" + _NOT_MEAT + "|" + _POULTRY_ONLY,
    ),
    R(
        "meat_unspecified",
        ("pork", "beef"),
        MAY,
        r"\b(?:salami|bologna|frankfurters?|franks?|hot ?dogs?|wieners?|sausages?|bratwurst|"
        r"kielbasa|knockwurst|luncheon meat|luncheon|lunchmeat|meat|meats|meatballs?|"
        r"meatloaf|liverwurst|braunschweiger|pate|meat extract|giblets|cold cuts?|"
        r"corn ?dogs?)\b",
        "meat of unstated species: may be pork or beef",
        ignore=r"coconut meat|nuts?, .*meat|rolls?, hamburger|hamburger or hot ?dog|"
        r"\bbuns?\b",
        unless=r"^rolls?\b|"
        + _NOT_MEAT
        + r"|\b(?:pork|beef|veal|ham|lamb)\b|^game meat|"
        + _POULTRY_ONLY,
    ),
    R(
        "poultry_words",
        ("poultry",),
        CONTAINS,
        r"\b(?:chicken|chickens|turkey|duck|goose|quail|pheasant|poultry|hen|capon|squab|"
        r"cornish|ostrich|emu|guinea hen|dove|grouse|buffalo wings?)\b",
        "poultry (chicken, turkey, duck, goose, game birds)",
        ignore=r"poultry seasoning|spices, poultry|duck sauce|sauce, duck|"
        r"(?:duck|goose|quail) eggs?",
        unless=_NOT_MEAT + r"|^egg, (?:duck|goose|quail)|flavou?r",
    ),
    R(
        "meat_flavour",
        ("meat", "pork", "beef", "poultry"),
        MAY,
        r"\b(?:beef|pork|meat|bacon)[- ]flavou?re?d?\b|\bflavor\b.*\b(?:ramen|noodle|"
        r"soup|bouillon|broth)|\b(?:ramen|bouillon|broth|stock|consomme|gravy|drippings|"
        r"au jus|demi-glace)\b",
        "broth, bouillon, gravy or a meat-flavoured mix: meat or poultry of unstated kind",
        unless=r"chicken flavor|vegetable broth|\bpoultry\b|broth, vegetable|vegetarian|"
        r"meatless|fish broth|stock, fish|clam|mushroom gravy|gravy, mushroom|"
        r"\b(?:beef|chicken|turkey|pork|ham|fish|shrimp)\b(?!.*\bflavor)",
    ),
    R(
        "poultry_flavour",
        ("poultry",),
        MAY,
        r"\b(?:chicken|turkey)[- ]flavou?re?d?\b",
        "chicken-flavoured mixes usually contain chicken fat, broth or powder",
    ),
    R(
        "animal_fat",
        ("animal_fat",),
        CONTAINS,
        r"\b(?:lard|tallow|suet|schmaltz|bacon grease|drippings|fatback|salt pork|"
        r"fat, (?:beef|chicken|turkey|pork|duck|goose|mutton)|chicken fat|animal fat|"
        r"beef fat|cracklings?)\b",
        "a non-dairy animal fat (lard, tallow, suet, chicken fat, bacon grease)",
    ),
    # --- gelatin, honey, insect --------------------------------------------------------
    R(
        "gelatin",
        ("gelatin",),
        CONTAINS,
        r"\b(?:gelatins?|gelatine|jell-?o|aspic|marshmallows?|gummy|gummi|gummies|"
        r"candy corn)\b",
        "gelatin (pork or beef collagen) or a food made with it (marshmallows, gummies)",
        unless=r"agar|vegetarian|marshmallow (?:creme|cream)|topping, marshmallow",
    ),
    R(
        "gelatin_maybe",
        ("gelatin",),
        MAY,
        r"\b(?:fruit snacks?|jelly ?beans?|gumdrops?|gum drops?|jellied)\b",
        "often made with gelatin; contents not itemised",
    ),
    R(
        "honey",
        ("honey",),
        CONTAINS,
        r"\b(?:honey|honeycomb|honey-?nut|honey bunches|honey ?smacks|bee pollen|"
        r"royal jelly|propolis|honeyed)\b",
        "honey or a bee product",
        ignore=r"honeydew|honey-combed|excluding honey",
    ),
    R(
        "honey_maybe",
        ("honey",),
        MAY,
        r"\b(?:graham|grahams|golden crisp|granola|honey-combed)\b",
        "usually sweetened with honey (graham crackers, granola); contents not itemised",
    ),
    R(
        "insect",
        ("insect",),
        CONTAINS,
        r"\b(?:carmine|cochineal|carminic|shellac|confectioner'?s glaze)\b",
        "insect-derived (carmine red from cochineal, shellac glaze from lac insects)",
    ),
    R(
        "insect_maybe",
        ("insect",),
        MAY,
        r"\b(?:jelly ?beans?|candy corn|malted milk balls|chocolate[- ]covered|"
        r"chocolate[- ]coated|sugar-coated|panned|sprinkles|nonpareils|glazed candies)\b",
        "candies of this kind are often polished with shellac (confectioner's glaze)",
        groups=CONFECTIONS,
    ),
)
