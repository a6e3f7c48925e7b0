"""Parent-facing API: thin views over the admissions services (problem+json on errors)."""

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import permissions, serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from portal.api.typed_input import represented, validated_json
from portal.core.exceptions import NotFound

from .. import selectors, services
from ..exceptions import ApplicationInvalid
from ..models import AdmissionRound, Application, Offer
from .serializers import (
    ApplicationDetailOutputSerializer,
    ApplicationInputSerializer,
    ApplicationListOutputSerializer,
    ApplicationSubmitInputSerializer,
    EvidenceAddInputSerializer,
    EvidenceOutputSerializer,
    IntakeInputSerializer,
    IntakeOutputSerializer,
    OfferOutputSerializer,
)

PROBLEM = OpenApiResponse(OpenApiTypes.OBJECT, description="application/problem+json")


def _input(data: dict) -> services.ApplicationInput:
    return services.ApplicationInput(
        **{k: v for k, v in data.items() if k not in {"school_year", "submit"}}
    )


def _as_validation_error(exc: ApplicationInvalid) -> serializers.ValidationError:
    return serializers.ValidationError(exc.errors)


def _round(data: dict, *, recent: bool = False) -> AdmissionRound:
    if recent:
        found = selectors.round_recent(school_year=data.get("school_year") or None)
    elif data.get("school_year"):
        found = selectors.round_by_year(school_year=data["school_year"])
    else:
        found = selectors.round_latest()
    if found is None:
        raise NotFound("No admission round.", field="school_year")
    return found


def _detail(application: Application) -> dict:
    application = selectors.application_for_api(application_id=application.pk)
    return ApplicationDetailOutputSerializer(application).data


class ApplicationListCreateApi(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        responses={200: ApplicationListOutputSerializer(many=True)},
        summary="The signed-in parent's applications",
    )
    def get(self, request):
        apps = selectors.application_list_for_parent(user=request.user)
        return Response(ApplicationListOutputSerializer(apps, many=True).data)

    @extend_schema(
        request=ApplicationInputSerializer,
        responses={
            201: ApplicationDetailOutputSerializer,
            200: ApplicationDetailOutputSerializer,
            400: PROBLEM,
            404: PROBLEM,
            409: PROBLEM,
            422: PROBLEM,
        },
        summary="Create an application (draft, or submitted with `submit` and `consent`)",
        description=(
            "One active application per child per round: sending the same child again "
            "returns the existing application (200) with its tracking code."
        ),
    )
    def post(self, request):
        data = validated_json(ApplicationInputSerializer, request)
        try:
            application, created = services.application_create(
                admission_round=_round(data),
                applicant=request.user,
                data=_input(data),
                submit=data["submit"],
            )
        except ApplicationInvalid as exc:
            raise _as_validation_error(exc) from exc
        return Response(
            _detail(application), status=status.HTTP_201_CREATED if created else status.HTTP_200_OK
        )


class IntakeReceiveApi(APIView):
    """The opening-morning path (docs/adr/0027): answered before the application exists."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        request=IntakeInputSerializer,
        responses={202: IntakeOutputSerializer, 200: IntakeOutputSerializer, 400: PROBLEM,
                   404: PROBLEM, 409: PROBLEM},
        summary="Hand in a complete application through the intake queue",
        description=(
            "Everything the input says by itself is checked now (400, nothing stored); the "
            "application is created by a worker, and the receipt at `Location` then gives its "
            "tracking code or the reasons of a refusal. The same child sent again while "
            "queued returns the same receipt (200)."
        ),
    )  # fmt: skip
    def post(self, request):
        data = validated_json(IntakeInputSerializer, request)
        try:
            intake, created = services.intake_receive(
                admission_round=_round(data, recent=True),
                applicant=request.user,
                data=_input(data),
            )
        except ApplicationInvalid as exc:
            raise _as_validation_error(exc) from exc
        return Response(
            represented(IntakeOutputSerializer, intake),
            status=status.HTTP_202_ACCEPTED if created else status.HTTP_200_OK,
            headers={"Location": f"{request.path}{intake.uuid}/"},
        )


class IntakeReceiptApi(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        responses={200: IntakeOutputSerializer, 404: PROBLEM},
        summary="A receipt of the intake queue (the account that handed it in only)",
    )
    def get(self, request, uuid):
        intake = selectors.intake_of_applicant(uuid=uuid, user=request.user)
        if intake is None:
            raise NotFound(_("No such receipt."))
        return Response(represented(IntakeOutputSerializer, intake))


class ApplicationDetailApi(APIView):
    permission_classes = [permissions.IsAuthenticated]

    def _get(self, request, uuid):
        return get_object_or_404(Application, uuid=uuid, applicant=request.user)

    @extend_schema(responses={200: ApplicationDetailOutputSerializer, 404: PROBLEM})
    def get(self, request, uuid):
        return Response(_detail(self._get(request, uuid)))

    @extend_schema(
        request=ApplicationInputSerializer,
        responses={200: ApplicationDetailOutputSerializer, 400: PROBLEM, 409: PROBLEM},
        summary="Edit a draft or an application sent back for correction",
    )
    def put(self, request, uuid):
        application = self._get(request, uuid)
        serializer = ApplicationInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            services.application_update(
                application=application, actor=request.user, data=_input(serializer.validated_data)
            )
        except ApplicationInvalid as exc:
            raise _as_validation_error(exc) from exc
        return Response(_detail(application))


class ApplicationSubmitApi(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        request=ApplicationSubmitInputSerializer,
        responses={200: ApplicationDetailOutputSerializer, 400: PROBLEM, 409: PROBLEM},
        summary="Submit (or resubmit after a correction request) with consent",
        description=(
            "Runs the full check on the saved form (a draft may be partial): personal IDs, "
            "birth-year rule, pin inside Ho Chi Minh City, choices, consent, late-entry "
            "evidence. Every problem is listed in `invalid_params`, one entry per field."
        ),
    )
    def post(self, request, uuid):
        application = get_object_or_404(Application, uuid=uuid, applicant=request.user)
        serializer = ApplicationSubmitInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            services.application_submit(
                application=application,
                actor=request.user,
                consent=serializer.validated_data["consent"],
            )
        except ApplicationInvalid as exc:
            raise _as_validation_error(exc) from exc  # every problem in `invalid_params`
        return Response(_detail(application))


class ApplicationWithdrawApi(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        request=None,
        responses={200: ApplicationDetailOutputSerializer, 409: PROBLEM},
        summary="Withdraw an application",
    )
    def post(self, request, uuid):
        application = get_object_or_404(Application, uuid=uuid, applicant=request.user)
        application = services.application_withdraw(application=application, actor=request.user)
        return Response(_detail(application))


class OfferAnswerApi(APIView):
    permission_classes = [permissions.IsAuthenticated]
    answer = "accept"

    @extend_schema(request=None, responses={200: OfferOutputSerializer, 409: PROBLEM})
    def post(self, request, uuid):
        offer = get_object_or_404(Offer, uuid=uuid, application__applicant=request.user)
        if self.answer == "accept":
            offer = services.offer_accept(offer=offer, actor=request.user)
        else:
            offer = services.offer_decline(offer=offer, actor=request.user)
        return Response(OfferOutputSerializer(offer).data)


class ApplicationEvidenceAddApi(APIView):
    """Upload a piece of evidence (residence, priority category, late entry) to one's own
    application while it is editable. Files are private: never served from a public URL."""

    permission_classes = [permissions.IsAuthenticated]
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        request={"multipart/form-data": EvidenceAddInputSerializer},
        responses={201: EvidenceOutputSerializer, 400: PROBLEM, 404: PROBLEM, 409: PROBLEM},
        summary="Add evidence to an application",
    )
    def post(self, request, uuid):
        application = get_object_or_404(Application, uuid=uuid, applicant=request.user)
        data = EvidenceAddInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        evidence = services.evidence_add(
            application=application,
            kind=data.validated_data["kind"],
            upload=data.validated_data["file"],
            actor=request.user,
        )
        return Response(EvidenceOutputSerializer(evidence).data, status=status.HTTP_201_CREATED)
