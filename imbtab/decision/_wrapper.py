"""The base of the decision meta-estimators: one inner classifier, fitted as ``estimator_``."""

from __future__ import annotations

from sklearn.base import BaseEstimator, ClassifierMixin, MetaEstimatorMixin
from sklearn.utils import get_tags
from sklearn.utils.metadata_routing import MetadataRouter, MethodMapping
from sklearn.utils.metaestimators import available_if
from sklearn.utils.validation import check_is_fitted

from ._common import estimator_has


class InnerClassifierWrapper(ClassifierMixin, MetaEstimatorMixin, BaseEstimator):
    """Tags and fit-metadata routing shared by the decision meta-estimators.

    Input tags (sparse, missing values) follow the inner ``estimator``; fit metadata is
    routed to ``estimator.fit``. A subclass that consumes ``sample_weight`` itself sets
    ``_consumes_fit_metadata = True`` so that its own request joins the router.
    """

    _consumes_fit_metadata = False

    def _router(self) -> MetadataRouter:
        router = MetadataRouter(owner=self)
        if self._consumes_fit_metadata:
            router = router.add_self_request(self)
        return router.add(
            estimator=self.estimator,
            method_mapping=MethodMapping().add(caller="fit", callee="fit"),
        )

    def get_metadata_routing(self):
        """Get metadata routing of this object.

        Returns
        -------
        routing : MetadataRouter
            Routes fit metadata to the estimator.
        """
        return self._router()

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        inner = get_tags(self.estimator)
        tags.input_tags.sparse = inner.input_tags.sparse
        tags.input_tags.allow_nan = inner.input_tags.allow_nan
        return tags


class ScoreDelegationMixin:
    """``predict_proba``, ``predict_log_proba`` and ``decision_function`` of ``estimator_``.

    For meta-estimators that change only the decision rule (or the training weights), so
    the inner estimator's scores are the model's scores.
    """

    @available_if(estimator_has("predict_proba"))
    def predict_proba(self, X):
        """Class probabilities of the fitted inner estimator ``estimator_``.

        Parameters
        ----------
        X : {array-like, sparse matrix, DataFrame} of shape (n_samples, n_features)
            Samples.

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
            Probabilities.
        """
        check_is_fitted(self, "estimator_")
        return self.estimator_.predict_proba(X)

    @available_if(estimator_has("predict_log_proba"))
    def predict_log_proba(self, X):
        """Log class probabilities of the fitted inner estimator ``estimator_``.

        Parameters
        ----------
        X : {array-like, sparse matrix, DataFrame} of shape (n_samples, n_features)
            Samples.

        Returns
        -------
        log_proba : ndarray of shape (n_samples, n_classes)
            Log-probabilities.
        """
        check_is_fitted(self, "estimator_")
        return self.estimator_.predict_log_proba(X)

    @available_if(estimator_has("decision_function"))
    def decision_function(self, X):
        """Decision function of the fitted inner estimator ``estimator_``.

        Parameters
        ----------
        X : {array-like, sparse matrix, DataFrame} of shape (n_samples, n_features)
            Samples.

        Returns
        -------
        scores : ndarray of shape (n_samples,) or (n_samples, n_classes)
            Decision scores.
        """
        check_is_fitted(self, "estimator_")
        return self.estimator_.decision_function(X)
