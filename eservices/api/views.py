"""Public catalogue and the citizen's dossier API: thin views over selectors and services,
problem+json on every error."""

from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import permissions, serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from .. import selectors, services
from ..exceptions import DossierInvalid
from .serializers import (
    DossierAttachmentAddInputSerializer,
    DossierAttachmentOutputSerializer,
    DossierCreateInputSerializer,
    DossierDetailOutputSerializer,
    DossierListOutputSerializer,
    DossierPaymentOutputSerializer,
    DossierUpdateInputSerializer,
    ProcedureDetailOutputSerializer,
    ProcedureListOutputSerializer,
)

PROBLEM = OpenApiResponse(OpenApiTypes.OBJECT, description="application/problem+json")


def _errors_for(exc: DossierInvalid) -> serializers.ValidationError:
    """Form fields are reported as `form_data.<field>`; documents and the phone by name."""
    form = {
        name: messages
        for name, messages in exc.errors.items()
        if not name.startswith("document_") and name != "contact_phone"
    }
    other = {k: v for k, v in exc.errors.items() if k not in form}
    detail = {**({"form_data": form} if form else {}), **other}
    return serializers.ValidationError(detail)


def _detail(dossier) -> dict:
    dossier = selectors.dossier_list_for_citizen(user=dossier.applicant).get(pk=dossier.pk)
    return DossierDetailOutputSerializer(dossier).data


class ProcedureListApi(APIView):
    permission_classes = [permissions.AllowAny]

    @extend_schema(
        parameters=[OpenApiParameter("q", str, description="Search in code, name and summary.")],
        responses={200: ProcedureListOutputSerializer(many=True)},
        summary="The catalogue of online procedures (current versions)",
    )
    def get(self, request):
        versions = selectors.procedure_list(query=request.query_params.get("q", "")[:100])
        return Response(ProcedureListOutputSerializer(versions, many=True).data)


class ProcedureDetailApi(APIView):
    permission_classes = [permissions.AllowAny]

    @extend_schema(
        responses={200: ProcedureDetailOutputSerializer, 404: PROBLEM},
        summary="One procedure's card: steps, documents, form schema, fee, deadline",
    )
    def get(self, request, code):
        version = selectors.procedure_version_current(code=code)
        return Response(ProcedureDetailOutputSerializer(version).data)


class DossierListCreateApi(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        responses={200: DossierListOutputSerializer(many=True)},
        summary="The signed-in citizen's dossiers",
    )
    def get(self, request):
        dossiers = selectors.dossier_list_for_citizen(user=request.user)
        return Response(DossierListOutputSerializer(dossiers, many=True).data)

    @extend_schema(
        request=DossierCreateInputSerializer,
        responses={201: DossierDetailOutputSerializer, 400: PROBLEM, 404: PROBLEM},
        summary="Create a draft dossier under the procedure's current version",
        description="Values are checked against the procedure's form schema; a draft may omit "
        "required fields (they are checked on submission).",
    )
    def post(self, request):
        data = DossierCreateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        version = selectors.procedure_version_current(code=data.validated_data["procedure"])
        try:
            dossier = services.dossier_create(
                version=version,
                applicant=request.user,
                form_data=data.validated_data["form_data"],
                contact_phone=data.validated_data["contact_phone"],
            )
        except DossierInvalid as exc:
            raise _errors_for(exc) from exc
        return Response(_detail(dossier), status=status.HTTP_201_CREATED)


class DossierDetailApi(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(responses={200: DossierDetailOutputSerializer, 404: PROBLEM})
    def get(self, request, uuid):
        return Response(_detail(selectors.dossier_get_for_citizen(user=request.user, uuid=uuid)))

    @extend_schema(
        request=DossierUpdateInputSerializer,
        responses={200: DossierDetailOutputSerializer, 400: PROBLEM, 404: PROBLEM, 409: PROBLEM},
        summary="Change a draft's form",
    )
    def put(self, request, uuid):
        dossier = selectors.dossier_get_for_citizen(user=request.user, uuid=uuid)
        data = DossierUpdateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            services.dossier_update(
                dossier=dossier,
                actor=request.user,
                form_data=data.validated_data["form_data"],
                contact_phone=data.validated_data.get("contact_phone"),
            )
        except DossierInvalid as exc:
            raise _errors_for(exc) from exc
        return Response(_detail(dossier))


class DossierSubmitApi(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        request=None,
        responses={200: DossierDetailOutputSerializer, 400: PROBLEM, 404: PROBLEM, 409: PROBLEM},
        summary="Submit a draft: every missing field and document is listed in invalid_params",
    )
    def post(self, request, uuid):
        dossier = selectors.dossier_get_for_citizen(user=request.user, uuid=uuid)
        try:
            dossier = services.dossier_submit(dossier=dossier, actor=request.user)
        except DossierInvalid as exc:
            raise _errors_for(exc) from exc
        return Response(_detail(dossier))


class DossierAttachmentAddApi(APIView):
    permission_classes = [permissions.IsAuthenticated]
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        request={"multipart/form-data": DossierAttachmentAddInputSerializer},
        responses={
            201: DossierAttachmentOutputSerializer,
            400: PROBLEM,
            404: PROBLEM,
            409: PROBLEM,
        },
        summary="Attach a document (PDF, JPEG or PNG, checked by content)",
    )
    def post(self, request, uuid):
        dossier = selectors.dossier_get_for_citizen(user=request.user, uuid=uuid)
        data = DossierAttachmentAddInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        attachment = services.attachment_add(
            dossier=dossier,
            actor=request.user,
            document_code=data.validated_data["document_code"],
            upload=data.validated_data["file"],
        )
        return Response(
            DossierAttachmentOutputSerializer(attachment).data, status=status.HTTP_201_CREATED
        )


class DossierPaymentStartApi(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        request=None,
        responses={200: DossierPaymentOutputSerializer, 404: PROBLEM, 409: PROBLEM},
        summary="Start paying a dossier's fee (or get the payment still pending)",
    )
    def post(self, request, uuid):
        dossier = selectors.dossier_get_for_citizen(user=request.user, uuid=uuid)
        payment = services.dossier_payment_start(dossier=dossier, actor=request.user)
        payment.payment_page = reverse("payments:payment", kwargs={"uuid": payment.uuid})
        payment.checkout = reverse("payments-api:payment-checkout", kwargs={"uuid": payment.uuid})
        return Response(DossierPaymentOutputSerializer(payment).data)
