"""Rebuild homeward/demo/names.csv: common given and family names of India, and family names common in Nepal.

The names-dataset package takes seconds and gigabytes to load, so the demo reads this small
extract instead. Names only, no people: the demo combines them at random into fictional persons.
"""

import csv
from pathlib import Path

from names_dataset import NameDataset

OUT = Path(__file__).resolve().parent.parent / "homeward" / "demo" / "names.csv"
# Abbreviations and titles that the dataset ranks as names but that would not be a person's name.
NEPALI_FAMILY_NAMES = ["Thapa", "Gurung", "Tamang", "Magar", "Rai", "Limbu", "Shrestha", "Adhikari", "Karki", "Bhandari",
                       "Khadka", "Basnet", "Poudel", "Bhattarai", "Lama", "Sherpa", "Ghimire", "Pun", "Bista", "Thakuri"]
NOT_NAMES = {"Md", "Mohd", "Mr", "Sri", "Shri", "Dr", "Kumar", "Kumari", "Sk", "Devi"}


def main() -> None:
    dataset = NameDataset()
    rows = []
    count = 120
    given = dataset.get_top_names(n=count + 10, gender="Male", country_alpha2="IN")["IN"]["M"]
    family = dataset.get_top_names(n=count + 10, country_alpha2="IN", use_first_names=False)["IN"]
    rows += [("IN", "given", n) for n in given if n not in NOT_NAMES][:count]
    rows += [("IN", "family", n) for n in family if n not in NOT_NAMES][:count]
    # The dataset has no Nepal table; these family names are common in Nepal and the dataset knows
    # them as Indian last names too, so their spelling is the dataset's.
    for name in NEPALI_FAMILY_NAMES:
        if dataset.search(name)["last_name"]:
            rows.append(("NP", "family", name))
    with OUT.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["country", "part", "name"])
        writer.writerows(rows)
    print(f"wrote {len(rows)} names to {OUT}")


if __name__ == "__main__":
    main()
