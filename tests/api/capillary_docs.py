"""The public Capillary v2 Leads documentation's samples, as Python literals.

Sources (public reference data, quoted as published; only JSON's spelling became Python's):

- ``_leads.md``: repository ``Capillary/api-documentation``, file ``source/includes/_leads.md``.
  Three stored versions differ: 764b19e (Generate Reasons, Get Reasons, Add Lead, Update Lead
  Status to WON, Search Lead), 079a789 (the same plus "Update Extended Fields") and a later
  one (Get Reasons, Add Lead, Update Lead, Create Lead Substatus, Get Lead Substatus, Update
  Lead Status to ON_HOLD/YetToDecide, Update Lead Followup, Search Lead, Configure Lead
  Reasons). Each sample below names its section.
- ``CapDocs``: repository ``naman-cap/CapDocs``, folder
  ``CapDocs/references/02-api documentation/23-leads/``. Its pages carry the parameter tables
  and point at ``api: file: v2.json, operationId: ...``; the examples of those operations are
  quoted from the published OpenAPI definition of that operationId (docs.capillarytech.com).

Ids in these samples (lead ids, customer userIds, staff ids, reason ids) belong to Capillary's
orgs; the tests replace them with ids that exist locally and keep everything else.
"""

import re

# The doc's date-time format, YYYY-MM-DDThh:mm:ssTZD. The samples write TZD as "+05:30" (most)
# or "Z" (the follow-up, status log and lead details samples), so both are recognised here.
DOC_DATETIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(Z|[+-]\d\d:\d\d)$")


# _leads.md, "Generate Reasons" / "Configure Lead Reasons": Sample Request (POST).
GENERATE_REASONS_URL = "http://us.api.capillarytech.com/v2/leads/reasons"

# _leads.md, "Generate Reasons" / "Configure Lead Reasons": Sample POST Request.
GENERATE_REASONS_REQUEST = [
    {"reason": "Item not available in store"},
    {"reason": "Best price availabe at another store"},
    {"reason": "Interested in our brand products"},
]

# _leads.md, "Generate Reasons" / "Configure Lead Reasons": Sample Response.
GENERATE_REASONS_RESPONSE = {
    "data": [
        {"id": 1, "reason": "Item not available in store"},
        {"id": 2, "reason": "Best price availabe at another store"},
        {"id": 3, "reason": "Interested in our brand products"},
    ],
    "warnings": [],
    "errors": [],
}

# _leads.md, "Get Reasons": the request URL (GET).
GET_REASONS_URL = "http://us.api.capillarytech.com/v2/leads/reasons"

# _leads.md, "Get Reasons": the response, which the doc labels "Sample Request".
GET_REASONS_RESPONSE = {
    "data": [
        {"id": 1, "reason": "Item not available in store"},
        {"id": 2, "reason": "Best price availabe at another store"},
        {"id": 3, "reason": "Interested in our brand products"},
    ],
    "warnings": [],
    "errors": [],
}

# _leads.md, "Add Lead": Sample Request URL (POST).
ADD_LEAD_URL = "http://us.api.capillarytech.com/v2/leads"

# _leads.md, "Add Lead": Sample POST Request.
ADD_LEAD_REQUEST = {
    "type": "SKU",
    "leadFor": "item001",
    "idType": "EMAIL",
    "identifier": "tom.sawyer@example.com",
    "status": "ON_HOLD",
    "nextFollowUp": "2018-10-05T08:00:00+05:30",
    "createdOn": "2018-10-04T13:30:00+05:30",
    "createdBy": 28812689,
    "followUpDetails": [
        {
            "scheduledFollowUp": "2018-10-04T12:30:00+05:30",
            "followedUpOn": "2018-10-04T12:45:00+05:30",
            "followedUpBy": 28812689,
            "notes": "notes 1",
            "nextFollowUp": "2018-10-04T13:15:00+05:30",
        },
        {
            "scheduledFollowUp": "2018-10-04T12:30:00+05:30",
            "followedUpOn": "2018-10-04T12:45:00+05:30",
            "followedUpBy": 28812689,
            "notes": "notes 2",
            "nextFollowUp": "2018-10-04T13:15:00+05:30",
        },
    ],
    "extendedFields": {"trial_status": "Not Done"},
    "statusLogDetails": [
        {"status": "OPEN", "createdBy": 28812689, "reasonId": 1},
        {"status": "ON_HOLD", "createdBy": 28812689, "reasonId": 2},
    ],
    "orgSourceId": -1,
}

# _leads.md, "Add Lead": Sample Response.
ADD_LEAD_RESPONSE = {
    "id": 1,
    "userId": 368754334,
    "type": "SKU",
    "leadFor": "item001",
    "status": "ON_HOLD",
    "nextFollowUp": "2018-10-05T08:00:00+05:30",
    "createdOn": "2018-10-04T13:30:00+05:30",
    "createdBy": 28812689,
    "lastUpdatedOn": "2018-11-14T15:38:04+05:30",
    "lastUpdatedBy": 15002926,
    "followUpDetails": [
        {
            "id": 1,
            "userId": 368754334,
            "leadId": 1,
            "notes": "notes 1",
            "createdBy": 15002926,
            "createdOn": "2018-11-14T15:38:04+05:30",
            "followedUpBy": 28812689,
            "followedUpOn": "2018-10-04T12:45:00+05:30",
            "scheduledFollowUp": "2018-10-04T12:30:00+05:30",
        },
        {
            "id": 2,
            "userId": 368754334,
            "leadId": 1,
            "notes": "notes 2",
            "createdBy": 15002926,
            "createdOn": "2018-11-14T15:38:04+05:30",
            "followedUpBy": 28812689,
            "followedUpOn": "2018-10-04T12:45:00+05:30",
            "scheduledFollowUp": "2018-10-04T12:30:00+05:30",
        },
    ],
    "extendedFields": {"trial_status": "Not Done"},
    "statusLogDetails": [
        {
            "id": 1,
            "userId": 368754334,
            "leadId": 1,
            "status": "OPEN",
            "createdBy": 15002926,
            "createdOn": "2018-11-14T15:38:04+05:30",
            "reasonId": 5,
            "reason": "Best price availabe at another store",
        },
        {
            "id": 2,
            "userId": 368754334,
            "leadId": 1,
            "status": "ON_HOLD",
            "createdBy": 15002926,
            "createdOn": "2018-11-14T15:38:04+05:30",
            "reasonId": 4,
            "reason": "Item not available in store",
        },
    ],
    "orgSourceId": -1,
    "warnings": [],
}

# _leads.md, "Update Extended Fields" (079a789) / "Update Lead": Sample Request URL (PUT).
UPDATE_LEAD_URL = "http://us.api.capillarytech.com/v2/leads/19"

# _leads.md, "Update Extended Fields" / "Update Lead": Sample PUT Request.
UPDATE_LEAD_REQUEST = {"extendedFields": {"trial_status": "Not Done"}}

# _leads.md, "Update Extended Fields" / "Update Lead": Sample Response.
UPDATE_LEAD_RESPONSE = {
    "id": 19,
    "userId": 316804150,
    "type": "SKU",
    "leadFor": "item001",
    "status": "ON_HOLD",
    "nextFollowUp": "2018-10-05T08:00:00+05:30",
    "createdOn": "2018-10-04T13:30:00+05:30",
    "createdBy": 28812689,
    "lastUpdatedOn": "2018-11-28T10:31:19+05:30",
    "lastUpdatedBy": 15147364,
    "followUpDetails": [
        {
            "id": 37,
            "userId": 316804150,
            "leadId": 19,
            "notes": "notes 1",
            "createdBy": 15147364,
            "createdOn": "2018-11-28T10:31:19+05:30",
            "followedUpBy": 28812689,
            "followedUpOn": "2018-10-04T12:45:00+05:30",
            "scheduledFollowUp": "2018-10-04T12:30:00+05:30",
        },
        {
            "id": 38,
            "userId": 316804150,
            "leadId": 19,
            "notes": "notes 2",
            "createdBy": 15147364,
            "createdOn": "2018-11-28T10:31:19+05:30",
            "followedUpBy": 28812689,
            "followedUpOn": "2018-10-04T12:45:00+05:30",
            "scheduledFollowUp": "2018-10-04T12:30:00+05:30",
        },
    ],
    "statusLogDetails": [
        {
            "id": 39,
            "userId": 316804150,
            "leadId": 19,
            "status": "OPEN",
            "createdBy": 15147364,
            "createdOn": "2018-11-28T10:31:19+05:30",
            "reasonId": 1,
            "reason": "not available",
        },
        {
            "id": 40,
            "userId": 316804150,
            "leadId": 19,
            "status": "ON_HOLD",
            "createdBy": 15147364,
            "createdOn": "2018-11-28T10:31:19+05:30",
            "reasonId": 2,
            "reason": "phone not working",
        },
    ],
    "orgSourceId": -1,
    "extendedFields": {"trial_status": "Not Done"},
    "warnings": [],
}

# _leads.md, "Update Lead Status" (every version): Sample Request URL (PUT).
STATUS_URL = "http://us.api.capillarytech.com/v2/leads/21/status"

# _leads.md, "Update Lead Status" (764b19e, 079a789): Sample PUT Request, character for
# character. It is not JSON: a comma follows the last member.
STATUS_WON_REQUEST_TEXT = """{
  "status": "WON",
  "createdBy": 28812689,
  "reasonId": 6,
  "extendedFields": {
    "trial_status":"Not Done"
  },
}
"""

# The same request as a client's JSON library sends it (the trailing comma dropped).
STATUS_WON_REQUEST = {
    "status": "WON",
    "createdBy": 28812689,
    "reasonId": 6,
    "extendedFields": {"trial_status": "Not Done"},
}

# _leads.md, "Update Lead Status" (764b19e): Sample Response (079a789 prints the same
# without extendedFields).
STATUS_WON_RESPONSE = {
    "id": 1,
    "userId": 368754334,
    "type": "SKU",
    "leadFor": "item001",
    "status": "WON",
    "nextFollowUp": "2018-10-05T08:00:00+05:30",
    "createdOn": "2018-10-04T13:30:00+05:30",
    "createdBy": 28812689,
    "lastUpdatedOn": "2018-11-14T15:44:26+05:30",
    "lastUpdatedBy": 15002926,
    "followUpDetails": [
        {
            "id": 1,
            "userId": 368754334,
            "leadId": 1,
            "notes": "notes 1",
            "createdBy": 15002926,
            "createdOn": "2018-11-14T15:38:04+05:30",
            "followedUpBy": 28812689,
            "followedUpOn": "2018-10-04T12:45:00+05:30",
            "scheduledFollowUp": "2018-10-04T12:30:00+05:30",
        },
        {
            "id": 2,
            "userId": 368754334,
            "leadId": 1,
            "notes": "notes 2",
            "createdBy": 15002926,
            "createdOn": "2018-11-14T15:38:04+05:30",
            "followedUpBy": 28812689,
            "followedUpOn": "2018-10-04T12:45:00+05:30",
            "scheduledFollowUp": "2018-10-04T12:30:00+05:30",
        },
    ],
    "extendedFields": {"trial_status": "Not Done"},
    "statusLogDetails": [
        {
            "id": 1,
            "userId": 368754334,
            "leadId": 1,
            "status": "OPEN",
            "createdBy": 15002926,
            "createdOn": "2018-11-14T15:38:04+05:30",
            "reasonId": 5,
            "reason": "Best price availabe at another store",
        },
        {
            "id": 2,
            "userId": 368754334,
            "leadId": 1,
            "status": "ON_HOLD",
            "createdBy": 15002926,
            "createdOn": "2018-11-14T15:38:04+05:30",
            "reasonId": 4,
            "reason": "Item not available in store",
        },
        {
            "id": 3,
            "userId": 368754334,
            "leadId": 1,
            "status": "WON",
            "createdBy": 15002926,
            "createdOn": "2018-11-14T15:44:27+05:30",
            "reasonId": 6,
            "reason": "Deal closed",
        },
    ],
    "orgSourceId": -1,
    "warnings": [],
}

# _leads.md, "Update Lead Status" (later version): Sample PUT Request.
STATUS_ON_HOLD_REQUEST = {
    "status": "ON_HOLD",
    "subStatus": "YetToDecide",
    "createdBy": 28812689,
    "reasonId": 2,
}

# _leads.md, "Update Lead Status" (later version): Sample Response. Its log shows the lead
# LOST (AUTO_CLOSE, createdBy -1) and then ON_HOLD again.
STATUS_ON_HOLD_RESPONSE = {
    "id": 2,
    "userId": 368754334,
    "type": "SKU",
    "leadFor": "item001",
    "status": "ON_HOLD",
    "nextFollowUp": "2018-10-05T08:00:00+05:30",
    "createdOn": "2018-10-04T13:30:00+05:30",
    "createdBy": 28812689,
    "lastUpdatedOn": "2019-04-15T14:58:39+05:30",
    "lastUpdatedBy": 15002926,
    "followUpDetails": [
        {
            "id": 3,
            "userId": 368754334,
            "leadId": 2,
            "notes": "notes 1",
            "createdBy": 15002926,
            "createdOn": "2018-12-06T17:36:28+05:30",
            "followedUpBy": 28812689,
            "followedUpOn": "2018-10-04T12:45:00+05:30",
            "scheduledFollowUp": "2018-10-04T12:30:00+05:30",
        },
        {
            "id": 4,
            "userId": 368754334,
            "leadId": 2,
            "notes": "notes 2",
            "createdBy": 15002926,
            "createdOn": "2018-12-06T17:36:28+05:30",
            "followedUpBy": 28812689,
            "followedUpOn": "2018-10-04T12:45:00+05:30",
            "scheduledFollowUp": "2018-10-04T12:30:00+05:30",
        },
    ],
    "statusLogDetails": [
        {
            "id": 4,
            "userId": 368754334,
            "leadId": 2,
            "status": "OPEN",
            "createdBy": 15002926,
            "createdOn": "2018-12-06T17:36:28+05:30",
            "reasonId": 1,
            "reason": "Item not available in store",
        },
        {
            "id": 5,
            "userId": 368754334,
            "leadId": 2,
            "status": "ON_HOLD",
            "createdBy": 15002926,
            "createdOn": "2018-12-06T17:36:28+05:30",
            "reasonId": 2,
            "reason": "Best price availabe at another store",
        },
        {
            "id": 16,
            "userId": 368754334,
            "leadId": 2,
            "status": "LOST",
            "createdBy": -1,
            "createdOn": "2019-01-28T14:34:46+05:30",
            "reasonId": 11,
            "reason": "AUTO_CLOSE",
        },
        {
            "id": 23,
            "userId": 368754334,
            "leadId": 2,
            "status": "ON_HOLD",
            "createdBy": 28812689,
            "createdOn": "2019-04-15T14:58:39+05:30",
            "reasonId": 2,
            "reason": "Best price availabe at another store",
            "subStatus": "YetToDecide",
        },
    ],
    "orgSourceId": -1,
    "extendedFields": {"trial_status": "Not Done"},
    "subStatus": "YetToDecide",
    "warnings": [],
}

# _leads.md, "Create Lead Substatus" (CapDocs 02-create-lead-substatus.md, operationId
# create-lead-substatus): Sample Request (POST).
CREATE_SUBSTATUS_URL = "http://us.api.capillarytech.com/v2/leads/substatus"

# _leads.md, "Create Lead Substatus": Sample POST Request (the same in CapDocs' v2.json).
CREATE_SUBSTATUS_REQUEST = {"status": "ON_HOLD", "subStatus": "YetToDecide"}

# _leads.md, "Create Lead Substatus": Sample Response (the same in CapDocs' v2.json).
CREATE_SUBSTATUS_RESPONSE = {"status": "ON_HOLD", "subStatus": "YetToDecide", "warnings": []}

# _leads.md, "Get Lead Substatus" (CapDocs 11-get-lead-substatus.md, operationId
# get-lead-substatus): Sample Request (GET).
GET_SUBSTATUSES_URL = "http://us.api.capillarytech.com/v2/leads/substatuses"

# _leads.md, "Get Lead Substatus": Sample Response (the same in CapDocs' v2.json).
GET_SUBSTATUSES_RESPONSE = {
    "data": [
        {"status": "LOST", "subStatus": "InvalidPhoneNumber"},
        {"status": "ON_HOLD", "subStatus": "YetToDecide"},
    ],
    "warnings": [],
    "errors": [],
}

# _leads.md, "Update Lead Followup" (CapDocs 04-update-lead-followups.md): Sample Request (POST).
FOLLOWUP_URL = "http://us.api.capillarytech.com/v2/leads/63/followup"

# _leads.md, "Update Lead Followup": Sample POST Request.
FOLLOWUP_REQUEST = {"followedUpOn": "2018-10-05T08:00:00+05:30", "createdBy": 124}

# _leads.md, "Update Lead Followup": Sample Response (date-times with "Z"; the follow-up
# sent is not among its followUpDetails).
FOLLOWUP_RESPONSE = {
    "createdBy": 124,
    "createdOn": "2019-04-16T05:19:06Z",
    "extendedFields": {"trial_status": "Not Done"},
    "followUpDetails": [
        {
            "createdBy": 124,
            "createdOn": "2019-04-16T05:19:06Z",
            "followedUpBy": 124,
            "followedUpOn": "2019-04-17T05:19:06Z",
            "id": 122,
            "leadId": 63,
            "notes": "notes 1",
            "scheduledFollowUp": "2019-04-17T05:19:06Z",
            "userId": 340417059,
        },
        {
            "createdBy": 124,
            "createdOn": "2019-04-16T05:19:06Z",
            "followedUpBy": 124,
            "followedUpOn": "2019-04-18T05:19:06Z",
            "id": 123,
            "leadId": 63,
            "notes": "notes 2",
            "scheduledFollowUp": "2019-04-18T05:19:06Z",
            "userId": 340417059,
        },
        {
            "createdBy": 124,
            "createdOn": "2019-04-16T05:19:06Z",
            "followedUpBy": 124,
            "followedUpOn": "2019-04-17T05:19:06Z",
            "id": 124,
            "leadId": 63,
            "scheduledFollowUp": "2019-04-17T05:19:06Z",
            "userId": 340417059,
        },
    ],
    "id": 63,
    "lastFollowUp": "2019-04-17T05:19:06Z",
    "lastUpdatedBy": 124,
    "lastUpdatedOn": "2019-04-16T05:19:06Z",
    "leadFor": "sku_902307",
    "orgSourceId": -1,
    "status": "OPEN",
    "statusLogDetails": [
        {
            "createdBy": 124,
            "createdOn": "2019-04-16T05:19:06Z",
            "id": 137,
            "leadId": 63,
            "reason": "Reason1",
            "reasonId": 2,
            "status": "OPEN",
            "userId": 340417059,
        },
        {
            "createdBy": 124,
            "createdOn": "2019-04-16T05:19:06Z",
            "id": 138,
            "leadId": 63,
            "reason": "AUTO_CLOSE",
            "reasonId": 3,
            "status": "OPEN",
            "userId": 340417059,
        },
    ],
    "type": "SKU",
    "userId": 340417059,
    "warnings": [],
}

# _leads.md, "Search Lead" (every version; CapDocs 12-search-lead.md): Sample Request (GET).
SEARCH_URL = (
    "http://us.api.capillarytech.com/v2/leads?sortOrder=DESC&type=ALL&limit=10&orgSourceId=-1"
)

# _leads.md, "Search Lead" (764b19e): Sample Response.
SEARCH_RESPONSE = {
    "data": [
        {
            "id": 1,
            "userId": 368754334,
            "type": "SKU",
            "leadFor": "item001",
            "status": "WON",
            "nextFollowUp": "2018-10-05T08:00:00+05:30",
            "createdOn": "2018-10-04T13:30:00+05:30",
            "createdBy": 28812689,
            "lastUpdatedOn": "2018-11-14T15:44:26+05:30",
            "lastUpdatedBy": 15002926,
            "followUpDetails": [
                {
                    "id": 1,
                    "userId": 368754334,
                    "leadId": 1,
                    "notes": "notes 1",
                    "createdBy": 15002926,
                    "createdOn": "2018-11-14T15:38:04+05:30",
                    "followedUpBy": 28812689,
                    "followedUpOn": "2018-10-04T12:45:00+05:30",
                    "scheduledFollowUp": "2018-10-04T12:30:00+05:30",
                },
                {
                    "id": 2,
                    "userId": 368754334,
                    "leadId": 1,
                    "notes": "notes 2",
                    "createdBy": 15002926,
                    "createdOn": "2018-11-14T15:38:04+05:30",
                    "followedUpBy": 28812689,
                    "followedUpOn": "2018-10-04T12:45:00+05:30",
                    "scheduledFollowUp": "2018-10-04T12:30:00+05:30",
                },
            ],
            "statusLogDetails": [
                {
                    "id": 1,
                    "userId": 368754334,
                    "leadId": 1,
                    "status": "OPEN",
                    "createdBy": 15002926,
                    "createdOn": "2018-11-14T15:38:04+05:30",
                    "reasonId": 5,
                    "reason": "Best price availabe at another store",
                },
                {
                    "id": 2,
                    "userId": 368754334,
                    "leadId": 1,
                    "status": "ON_HOLD",
                    "createdBy": 15002926,
                    "createdOn": "2018-11-14T15:38:04+05:30",
                    "reasonId": 4,
                    "reason": "Item not available in store",
                },
                {
                    "id": 3,
                    "userId": 368754334,
                    "leadId": 1,
                    "status": "WON",
                    "createdBy": 15002926,
                    "createdOn": "2018-11-14T15:44:27+05:30",
                    "reasonId": 5,
                    "reason": "Best price availabe at another store",
                },
            ],
            "orgSourceId": -1,
        }
    ],
    "warnings": [],
    "errors": [],
}

# CapDocs 07-get-lead-status-log.md, operationId get-lead-status-log: Sample get request.
STATUS_LOG_URL = "https://us.api.capillarytech.com/v2/leads/12/statusLog"

# CapDocs 07-get-lead-status-log.md, operationId get-lead-status-log: Sample Response.
STATUS_LOG_RESPONSE = {
    "data": [
        {
            "id": 23,
            "userId": 90486525,
            "leadId": 12,
            "status": "OPEN",
            "createdBy": 75029724,
            "createdOn": "2019-02-20T15:33:11Z",
            "reasonId": 3,
            "reason": "APICALL",
        },
        {
            "id": 24,
            "userId": 90486525,
            "leadId": 12,
            "status": "ON_HOLD",
            "createdBy": 75029724,
            "createdOn": "2019-02-20T15:33:11Z",
            "reasonId": 4,
            "reason": "NOT PICKING CALL",
        },
    ],
    "warnings": [],
    "errors": [],
}

# CapDocs 08-get-lead-follow-ups.md, operationId get-lead-follow-ups: the curl sample.
FOLLOWUPS_URL = "https://us.api.capillarytech.com/v2/leads/12/followups"

# CapDocs 08-get-lead-follow-ups.md, operationId get-lead-follow-ups: Sample Response.
FOLLOWUPS_RESPONSE = {
    "data": [
        {
            "id": 23,
            "userId": 90486525,
            "leadId": 12,
            "notes": "notes 1",
            "createdBy": 75029724,
            "createdOn": "2019-02-20T15:33:11Z",
            "followedUpBy": 75029724,
            "followedUpOn": "2018-10-04T07:15:00Z",
            "scheduledFollowUp": "2018-10-04T07:00:00Z",
        },
        {
            "id": 24,
            "userId": 90486525,
            "leadId": 12,
            "notes": "notes 2",
            "createdBy": 75029724,
            "createdOn": "2019-02-20T15:33:11Z",
            "followedUpBy": 75029724,
            "followedUpOn": "2018-10-04T07:15:00Z",
            "scheduledFollowUp": "2018-10-04T07:00:00Z",
        },
    ],
    "warnings": [],
    "errors": [],
}

# CapDocs 10-get-lead-details.md (titled "Assign Lead", operationId assign-lead, yet a GET
# of /v2/leads with search filters): the curl sample.
LEAD_DETAILS_URL = "https://eu.api.capillarytech.com/v2/leads?userId=90486448"

# CapDocs 10-get-lead-details.md, operationId assign-lead: the 200 "Result" example.
LEAD_DETAILS_RESPONSE = {
    "data": [
        {
            "id": 3,
            "userId": 90486448,
            "type": "SKU",
            "leadFor": "Denim",
            "status": "ON_HOLD",
            "nextFollowUp": "2018-10-05T02:30:00Z",
            "createdOn": "2018-10-04T08:00:00Z",
            "createdBy": 75029724,
            "lastUpdatedOn": "2019-02-20T15:28:13Z",
            "lastUpdatedBy": 75029724,
            "followUpDetails": [
                {
                    "id": 5,
                    "userId": 90486448,
                    "leadId": 3,
                    "notes": "notes 1",
                    "createdBy": 75029724,
                    "createdOn": "2019-02-20T15:28:13Z",
                    "followedUpBy": 75029724,
                    "followedUpOn": "2018-10-04T07:15:00Z",
                    "scheduledFollowUp": "2018-10-04T07:00:00Z",
                },
                {
                    "id": 6,
                    "userId": 90486448,
                    "leadId": 3,
                    "notes": "notes 2",
                    "createdBy": 75029724,
                    "createdOn": "2019-02-20T15:28:13Z",
                    "followedUpBy": 75029724,
                    "followedUpOn": "2018-10-04T07:15:00Z",
                    "scheduledFollowUp": "2018-10-04T07:00:00Z",
                },
            ],
            "statusLogDetails": [
                {
                    "id": 5,
                    "userId": 90486448,
                    "leadId": 3,
                    "status": "OPEN",
                    "createdBy": 75029724,
                    "createdOn": "2019-02-20T15:28:13Z",
                    "reasonId": 3,
                    "reason": "APICALL",
                },
                {
                    "id": 6,
                    "userId": 90486448,
                    "leadId": 3,
                    "status": "ON_HOLD",
                    "createdBy": 75029724,
                    "createdOn": "2019-02-20T15:28:13Z",
                    "reasonId": 4,
                    "reason": "NOT PICKING CALL",
                },
            ],
            "orgSourceId": -1,
            "extendedFields": {"trial_status": "Not Done"},
        },
        {
            "id": 4,
            "userId": 90486448,
            "type": "SKU",
            "leadFor": "CasualShirt",
            "status": "ON_HOLD",
            "nextFollowUp": "2018-10-05T02:30:00Z",
            "createdOn": "2018-10-04T08:00:00Z",
            "createdBy": 75029724,
            "lastUpdatedOn": "2019-02-20T15:28:51Z",
            "lastUpdatedBy": 75029724,
            "followUpDetails": [
                {
                    "id": 7,
                    "userId": 90486448,
                    "leadId": 4,
                    "notes": "notes 1",
                    "createdBy": 75029724,
                    "createdOn": "2019-02-20T15:28:51Z",
                    "followedUpBy": 75029724,
                    "followedUpOn": "2018-10-04T07:15:00Z",
                    "scheduledFollowUp": "2018-10-04T07:00:00Z",
                },
                {
                    "id": 8,
                    "userId": 90486448,
                    "leadId": 4,
                    "notes": "notes 2",
                    "createdBy": 75029724,
                    "createdOn": "2019-02-20T15:28:51Z",
                    "followedUpBy": 75029724,
                    "followedUpOn": "2018-10-04T07:15:00Z",
                    "scheduledFollowUp": "2018-10-04T07:00:00Z",
                },
            ],
            "statusLogDetails": [
                {
                    "id": 7,
                    "userId": 90486448,
                    "leadId": 4,
                    "status": "OPEN",
                    "createdBy": 75029724,
                    "createdOn": "2019-02-20T15:28:51Z",
                    "reasonId": 3,
                    "reason": "APICALL",
                },
                {
                    "id": 8,
                    "userId": 90486448,
                    "leadId": 4,
                    "status": "ON_HOLD",
                    "createdBy": 75029724,
                    "createdOn": "2019-02-20T15:28:51Z",
                    "reasonId": 4,
                    "reason": "NOT PICKING CALL",
                },
            ],
            "orgSourceId": -1,
            "extendedFields": {"trial_status": "Not Done"},
        },
        {
            "id": 5,
            "userId": 90486448,
            "type": "SKU",
            "leadFor": "Polo",
            "status": "ON_HOLD",
            "nextFollowUp": "2018-10-05T02:30:00Z",
            "createdOn": "2018-10-04T08:00:00Z",
            "createdBy": 75029724,
            "lastUpdatedOn": "2019-02-20T15:29:29Z",
            "lastUpdatedBy": 75029724,
            "followUpDetails": [
                {
                    "id": 9,
                    "userId": 90486448,
                    "leadId": 5,
                    "notes": "notes 1",
                    "createdBy": 75029724,
                    "createdOn": "2019-02-20T15:29:29Z",
                    "followedUpBy": 75029724,
                    "followedUpOn": "2018-10-04T07:15:00Z",
                    "scheduledFollowUp": "2018-10-04T07:00:00Z",
                },
                {
                    "id": 10,
                    "userId": 90486448,
                    "leadId": 5,
                    "notes": "notes 2",
                    "createdBy": 75029724,
                    "createdOn": "2019-02-20T15:29:29Z",
                    "followedUpBy": 75029724,
                    "followedUpOn": "2018-10-04T07:15:00Z",
                    "scheduledFollowUp": "2018-10-04T07:00:00Z",
                },
            ],
            "statusLogDetails": [
                {
                    "id": 9,
                    "userId": 90486448,
                    "leadId": 5,
                    "status": "OPEN",
                    "createdBy": 75029724,
                    "createdOn": "2019-02-20T15:29:29Z",
                    "reasonId": 3,
                    "reason": "APICALL",
                },
                {
                    "id": 10,
                    "userId": 90486448,
                    "leadId": 5,
                    "status": "ON_HOLD",
                    "createdBy": 75029724,
                    "createdOn": "2019-02-20T15:29:29Z",
                    "reasonId": 4,
                    "reason": "NOT PICKING CALL",
                },
            ],
            "orgSourceId": -1,
            "extendedFields": {"trial_status": "Not Done"},
        },
    ],
    "warnings": [],
    "errors": [],
}

# CapDocs index.md, "Status Codes / Error Codes" (the same table as the Leads resource page):
# each code's description as written there, Markdown backticks and escaped braces included.
ERROR_CODES = {
    92001: "Lead not found",
    92002: "Duplicate Lead Status",
    92003: "Invalid Lead Status \\{0}",
    92004: "Lead Reason not found with id \\{0}",
    92005: "`followedUpOn` cannot be null",
    92006: "`leadFor` cannot be null",
    92007: "`userId` cannot be null",
    92008: "No user found with the given userId \\{0}",
    92009: "Invalid Lead Type",
    92010: "`LeadId` cannot be null",
    92011: "Customer Registration failed",
    92012: "User Details cannot be empty",
    92013: "Org Source cannot be null",
    92014: "Invalid org source",
    92015: "Invalid Id Type",
    92016: "Invalid SKU \\{0}",
    92017: "Invalid Brand \\{0}",
    92018: "Invalid Category \\{0}",
    92019: "Invalid lead owner \\{0}",
    92020: "Invalid lead sub status \\{0}",
    92021: "Lead sub status \\{0} already exists for status \\{1}",
    92022: "Lead status cannot be empty",
    92023: "Lead sub status cannot be empty",
    92024: "Status change not allowed on closed leads",
    92025: "Customer is not registered. Auto-registration is off",
}


def error_text(code: int, *args: object) -> str:
    """The table's text as a client reads it rendered: without the Markdown backticks, with
    the placeholders filled in."""
    text = ERROR_CODES[code].replace("`", "").replace("\\{", "{")
    return text.format(*args)
