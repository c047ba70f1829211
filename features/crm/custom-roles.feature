# Source: docs/sources/uniconnect-role-management.txt, "Create Role" and "Change Permission": an
# administrator creates a role in a screen, picks permissions from the catalog and own/group/all
# levels. policyc does it at run time on the compiled catalog (defineRole in generated/crm).
Feature: Custom roles defined at run time
  A customer's administrator defines roles of their own on the compiled catalog. They are checked
  like compiled roles, never give more than their creator holds, and keep least privilege: a
  scoped permission needs a level.

  Background:
    Given the policy set "crm"

  Scenario: A custom role inherits a compiled role and adds grants at chosen levels
    Given a custom role "Night Shift" inheriting "User" with these permissions:
      | permission     | level |
      | records:update | group |
      | emails:view    |       |
    And a user "nina" with the roles "Sales Agent" and "Night Shift"
    Then the role "Night Shift" can "records:update" of her group
    And the role "Night Shift" cannot "records:update" of all records
    And the role "night-shift" can "records:view" at own
    And "nina" can "Update" "CRM Modules" of her group
    And "nina" cannot "Delete" "CRM Modules" of her group

  Scenario: A wildcard grants every action of a resource, implications at the written level
    Given a custom role "Campaign Desk" with these permissions:
      | permission  | level |
      | campaigns:* |       |
    Then the access is:
      | role          | campaigns:manage | campaigns:execute | records:view |
      | Campaign Desk | yes              | yes               | no           |

  Scenario: A Team Lead defines a role within what he holds, and cannot escalate
    Given "bob" defines a custom role "Desk Lead" with these permissions:
      | permission     | level |
      | records:view   | group |
      | records:update | own   |
    Then the role "Desk Lead" can "records:update" of his own records
    And defining a custom role "Wide Lead" as "bob" with these permissions is rejected because "which the creator does not hold":
      | permission     | level |
      | records:update | all   |
    And defining a custom role "Admin Heir" as "bob" inheriting "CRM Admin" with these permissions is rejected because "which gives more than the creator holds":
      | permission   | level |
      | records:view | own   |

  Scenario: Bad definitions are rejected with the reason
    Then defining a custom role "Sloppy" with these permissions is rejected because "must name a level":
      | permission     | level |
      | records:update |       |
    And defining a custom role "Typo" with these permissions is rejected because "did you mean `records:update`":
      | permission     | level |
      | records:updte  | group |
    And defining a custom role "Nowhere" with these permissions is rejected because "is not a level of this set":
      | permission     | level    |
      | records:update | anywhere |
