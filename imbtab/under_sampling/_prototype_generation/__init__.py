"""Prototype generation: under-samplers that build new rows summarising a class."""

from imbtab.under_sampling._prototype_generation._cluster_centroids import ClusterCentroids

__all__ = ["ClusterCentroids"]
