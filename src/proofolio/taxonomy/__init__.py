"""The skill taxonomy: which skills an employer values and how evidence counts, as data."""

from proofolio.taxonomy.loader import Skill, Taxonomy, TaxonomyError, load_default_taxonomy, load_taxonomy

__all__ = ["Skill", "Taxonomy", "TaxonomyError", "load_default_taxonomy", "load_taxonomy"]
