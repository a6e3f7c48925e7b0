from portal.core.exceptions import Conflict, DomainError


class SurveyClosed(Conflict):
    code = "survey_closed"


class AlreadyAnswered(Conflict):
    code = "already_answered"


class SignInRequired(DomainError):
    status_code = 403
    code = "sign_in_required"


class InvalidSurveyLink(DomainError):
    code = "invalid_survey_link"


class TooManyAnswers(DomainError):
    status_code = 429
    code = "too_many_answers"
