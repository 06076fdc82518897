"""The commented starter profile `mealplan profile new` writes."""

STARTER_PROFILE = """\
# Client profile for `mealplan plan --profile THIS_FILE`.
# Precedence: built-in defaults < this file < command-line options.
# Every key is optional; delete what you do not need. `mealplan profile show THIS_FILE`
# prints the effective targets and where each value comes from.
name = "New client"
defaults = true             # start from the DRI/DGA targets of the life stage below

[life_stage]
sex = "female"              # female | male
age = 34                    # years, 1-120
pregnant = false            # pregnancy DRIs (ages 14-50); trimester = 1, 2 or 3
lactating = false           # lactation DRIs (ages 14-50)
activity = "moderately_active"   # sedentary | moderately_active | active
# body_weight_kg = 62       # protein target becomes max(RDA, g/kg x weight)

[targets]
# Any column of the food table, a share of energy, or a ratio "a:b".
# magnesium_mg = { min = 400 }
# sodium_mg = { max = 1500 }
# energy_kcal = { min = 1800, max = 2000 }
# "calcium_mg:magnesium_mg" = { max = 2.5 }
# "sodium_mg:potassium_mg" = { max = 1 }

[pattern]
enabled = true              # Dietary Guidelines food-group minimums
# fruit_cup_eq = { min = 2 }

[foods]
max_servings_per_food = 3   # household servings of one food per day
max_grams_per_food = 500
exclude = []                # food ids, text, "category:Coffee", "group:dairy"
include_only = []           # if not empty, only these foods
diets = []                  # vegetarian, vegan, pescatarian, dairy_free, gluten_free,
                            # no_nuts, no_pork, no_beef (from the ingredient table)
allergens = []              # milk, egg, fish, shellfish, tree_nuts, peanuts, wheat, soy, sesame
allow_hazard = []           # food codes a dietitian allows despite a life-stage hazard
# budget_per_day_usd = 4.00

[foods.limits]
# "11100000" = { max_servings = 2 }        # milk, NFS
# "53204010" = { fixed_g = 0 }

[supplements]
policy = "any"              # "any", "none", or a list of ids from data/supplements.csv

[clinical]
kidney_disease = false      # KDOQI 2020 defaults a clinician confirms (K max 2,000 mg, P max
                            # 1,000 mg, protein 0.6-0.8 g/kg: needs body_weight_kg), no Mg/K
                            # supplements; every plan says what the clinician must set
dialysis = false            # with kidney_disease: on dialysis, protein 1.0-1.2 g/kg
allow_mineral_supplements = false

[week]                      # `mealplan week`
days = 7
slots = ["breakfast", "lunch", "dinner", "snack"]
slot_shares = { breakfast = 0.25, lunch = 0.30, dinner = 0.35, snack = 0.10 }
slot_tolerance = 0.10       # +/- share of the day's energy per meal
step_servings = 0.5         # amounts in half servings (1 = whole servings)
max_days_per_food = 3
variety_by = "name"         # "Banana, raw" and "Banana, fried" are one food ("code": two)
max_per_category_per_day = 2
rotate_protein = true       # a protein food is not eaten two days running
weekly_average = false      # K, fiber, Mg, Ca met as a weekly average ...
daily_floor = 0.7           # ... with at least this share every day
improve_rounds = 0          # pairs of days re-solved after the day-by-day search, ~3 s each
# slots_by_category = { "Nuts and seeds" = ["breakfast", "snack"] }
"""
