# Source: docs/sources/uniconnect-role-management.txt, "Assigning Roles to Users": a user's
# roles control their level of data access. A user with several roles has the union.
Feature: Users with several roles
  Background:
    Given the policy set "crm"

  Scenario: Grace is a Sales Agent and a Marketing Manager
    Then "grace" has the roles "Sales Agent" and "Marketing Manager"
    And "grace" can do everything the role "Sales Agent" can
    And "grace" can do everything the role "Marketing Manager" can
    And "grace" can "View" "CRM Modules" records of her group
    And "grace" can "Delete" "CRM Modules" her own records
    But "grace" cannot "Delete" "CRM Modules" records of her group

  Scenario: Mallory leads a group and audits the whole organisation
    Then "mallory" can do everything the roles "Team Lead" and "Auditor" can
    And "mallory" can "Audit Logs" of everyone
    And "mallory" can "Update" "CRM Modules" records of her group
    But "mallory" cannot "Update" "CRM Modules" records of everyone

  Scenario: The widest level of any role wins
    Given a user "zoe" with the roles "User" and "Auditor"
    Then the access is:
      | user | View (CRM Modules) | Update (CRM Modules) | Audit Logs | Send E-mail |
      | zoe  | all                | own                  | all        | yes         |

  Scenario: Several roles combine without a user
    Then the roles "Sales Agent" and "Support Agent" can "Manage Conversations"
    And the roles "Sales Agent" and "Support Agent" can "Update" "CRM Modules" records of group members
    And the roles "Sales Agent" and "Support Agent" cannot "Update" "CRM Modules" records of everyone
