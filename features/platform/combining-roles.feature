# Source: docs/sources/unifyapps-roles.txt, "Best Practices: Test Role Assignments … with sample
# users". A user with several roles has the union of their permissions, connectors and objects.
Feature: Users with several roles
  Background:
    Given the policy set "platform"

  Scenario: David is an API Manager and an Integration Engineer
    Then "david.okafor@acme.example" has the roles "API Manager" and "Integration Engineer"
    And "david.okafor@acme.example" can do everything the role "API Manager" can
    And "david.okafor@acme.example" can do everything the role "Integration Engineer" can
    And "david.okafor@acme.example" can "Create API Client"
    And "david.okafor@acme.example" can "Create Connectors SDK"
    But "david.okafor@acme.example" cannot "Read Environment Variables"

  Scenario: Aiko manages access and reviews everything
    Then "aiko.tanaka@acme.example" can do everything the roles "Identity Admin" and "Auditor" can
    And "aiko.tanaka@acme.example" can "Reset Password User"
    And "aiko.tanaka@acme.example" can access the object "invoice"
    But "aiko.tanaka@acme.example" cannot "Switch Tenant Tenants"
    And "aiko.tanaka@acme.example" cannot use any connector

  Scenario: Fatima builds automations and manages APIs
    Then the access is:
      | user                     | Create Automations | Create API Group | Deploy & Pause Automations | the app "slack" | the app "stripe" | the object "order" | the object "invoice" |
      | fatima.khan@acme.example | yes                | yes              | no                         | yes             | no               | yes                | no                   |

  Scenario: Sample users of every role
    Then the access is:
      | user                       | View Agents | Create Agents | Deploy & Pause Automations | Create API Client | Create Roles | Switch Tenant Tenants | the connector "slack/actions/send-message" | the object "customer" |
      | priya.sharma@acme.example  | yes         | yes           | yes                        | yes               | yes          | yes                   | yes                                        | yes                   |
      | marcus.chen@acme.example   | yes         | yes           | no                         | no                | no           | no                    | yes                                        | yes                   |
      | elena.rossi@acme.example   | yes         | no            | no                         | no                | no           | no                    | yes                                        | yes                   |
      | sofia.martinez@acme.example | no         | no            | yes                        | no                | no           | no                    | no                                         | no                    |
      | james.wilson@acme.example  | yes         | no            | no                         | no                | no           | no                    | no                                         | yes                   |
      | olivia.brown@acme.example  | yes         | no            | no                         | no                | no           | no                    | no                                         | yes                   |
      | noah.kim@acme.example      | yes         | no            | no                         | no                | no           | no                    | no                                         | yes                   |
